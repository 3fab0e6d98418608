import type {
  ErrorBody,
  LinkedIdentitiesResponse,
  OidcPendingResponse,
  OidcProvidersResponse,
  PasskeyListResponse,
  PasskeyResponse,
  TwoFactorSetup,
  UserResponse,
  WebAuthnOptionsResponse,
} from '@chat/protocol';
import { sign, unsign } from '@fastify/cookie';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../../../test/authenticator.ts';
import { BACKENDS, type BackendKind, uniqueName } from '../../../test/backends.ts';
import { TestAgent } from '../../../test/http.ts';
import { type ProviderAccount, signInAtProvider, TestOidcProvider } from '../../../test/oidc-provider.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../../test/server.ts';
import { TestSmtpServer } from '../../../test/smtp.ts';
import { openDatabase } from '../../infra/db/database.ts';

const PUBLIC_URL = 'http://chat.test';
const SESSION_SECRET = 'oidc-test-session-secret-0123456789abcdef';
const PASSWORD = 'correct horse battery';
const CLIENT = { clientId: 'chat', clientSecret: 'chat-client-secret' };

describe.each(BACKENDS)('signing in with an identity provider on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let smtp: TestSmtpServer;
  let provider: TestOidcProvider;
  let server: TestServer;
  const agent = () => new TestAgent(server.url, PUBLIC_URL);

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    smtp = await TestSmtpServer.start();
    provider = await TestOidcProvider.start({
      ...CLIENT,
      redirectUris: [`${PUBLIC_URL}/api/auth/oidc/local/callback`],
    });
    server = await startServer({
      ...environment.backend.env,
      PUBLIC_URL,
      SESSION_SECRET,
      SMTP_URL: smtp.url,
      TRUST_PROXY: '1',
      MAIL_RETRY_BASE_MS: '100',
      OIDC_PROVIDERS: 'local',
      OIDC_LOCAL_ISSUER: provider.issuer,
      OIDC_LOCAL_CLIENT_ID: CLIENT.clientId,
      OIDC_LOCAL_CLIENT_SECRET: CLIENT.clientSecret,
      OIDC_LOCAL_LABEL: 'Local ID',
    });
  });

  afterAll(async () => {
    await server.close();
    await provider.close();
    await smtp.down();
    await environment.dispose();
  });

  /** A person at the provider, with an address of their own. */
  function providerAccount(changes: Partial<ProviderAccount> = {}) {
    const sub = uniqueName('sub');
    const email = `${uniqueName('p').toLowerCase()}@example.com`;
    const account = { email, email_verified: true, name: 'Pat Example', ...changes };
    provider.setAccount(sub, account);
    return { sub, ...account };
  }

  /** Starts at the chat, signs in at the provider; the provider's redirect back, not yet followed. */
  async function throughProvider(browser: TestAgent, answer: { account: string } | 'cancel') {
    const start = await browser.navigate('/api/auth/oidc/local/start');
    expect(start.status).toBe(302);
    const authorization = start.headers.get('location') ?? '';
    expect(authorization.startsWith(provider.issuer)).toBe(true);
    return signInAtProvider(authorization, answer, PUBLIC_URL);
  }

  /** Follows the redirect back to the chat; where the chat sends the browser next. */
  async function callback(browser: TestAgent, back: URL) {
    const response = await browser.navigate(back.pathname + back.search);
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location') ?? '', PUBLIC_URL);
  }

  const signIn = async (browser: TestAgent, sub: string) =>
    callback(browser, await throughProvider(browser, { account: sub }));

  async function passwordAccount(email: string) {
    const username = uniqueName('pw').slice(0, 32).toLowerCase();
    const browser = agent();
    const response = await browser.post<UserResponse>('/api/auth/signup', { username, email, password: PASSWORD });
    expect(response.status).toBe(201);
    return response.body.user;
  }

  /** An account made through the provider, so with no password, signed in on `browser`. */
  async function providerOnlyAccount(browser: TestAgent) {
    const person = providerAccount();
    expect((await signIn(browser, person.sub)).pathname).toBe('/sign-in/continue');
    const username = uniqueName('np').slice(0, 32).toLowerCase();
    expect((await browser.post('/api/auth/oidc/pending/account', { username })).status).toBe(201);
    return person;
  }

  /** A browser left signed in for long is no proof: its sessions are made to look an hour old. */
  async function ageSessions(browser: TestAgent) {
    const database = openDatabase({
      databaseUrl: environment.backend.env.DATABASE_URL,
      dataDir: environment.backend.env.DATA_DIR ?? '',
    });
    try {
      await database.db
        .updateTable('sessions')
        .set({ created_at: Date.now() - 60 * 60 * 1000 })
        .where('user_id', '=', (await browser.get<UserResponse>('/api/auth/me')).body.user.id)
        .execute();
    } finally {
      await database.close();
    }
  }

  it('lists the configured providers by id and label only', async () => {
    const response = await agent().get<OidcProvidersResponse>('/api/auth/oidc/providers');
    expect(response.body).toEqual({ providers: [{ id: 'local', label: 'Local ID' }] });
  });

  it('a new person chooses a username, gets an account with a verified address, and later comes straight back in', async () => {
    const person = providerAccount();
    const browser = agent();
    const next = await signIn(browser, person.sub);
    expect(next.pathname).toBe('/sign-in/continue');
    expect((await browser.get('/api/auth/me')).status).toBe(401);

    const pending = await browser.get<OidcPendingResponse>('/api/auth/oidc/pending');
    expect(pending.body).toMatchObject({
      provider: { id: 'local', label: 'Local ID' },
      email: person.email,
      emailVerified: true,
      name: 'Pat Example',
      existingAccount: false,
    });
    expect(pending.body.suggestedUsername).toBe(person.email.split('@')[0]?.slice(0, 32));

    const refused = await browser.post<ErrorBody>('/api/auth/oidc/pending/account', { username: 'no spaces' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual({ username: 'username_invalid' });

    const username = uniqueName('o').slice(0, 32).toLowerCase();
    const created = await browser.post<UserResponse>('/api/auth/oidc/pending/account', { username });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ username, email: person.email, emailVerified: true });
    expect((await browser.get<UserResponse>('/api/auth/me')).body.user.id).toBe(created.body.user.id);
    // The pending identity is used up.
    expect((await browser.get<ErrorBody>('/api/auth/oidc/pending')).body.error.code).toBe('oidc_pending_expired');

    const laptop = agent();
    expect((await signIn(laptop, person.sub)).pathname).toBe('/');
    expect((await laptop.get<UserResponse>('/api/auth/me')).body.user.id).toBe(created.body.user.id);

    // No password was ever set: none opens the account.
    const login = await agent().post<ErrorBody>('/api/auth/login', { login: username, password: '*' });
    expect(login.status).toBe(401);

    // Nor can the provider be unlinked: it is the only way in.
    const linked = await laptop.get<LinkedIdentitiesResponse>('/api/auth/oidc/identities');
    expect(linked.body).toMatchObject({
      identities: [{ provider: { id: 'local', label: 'Local ID' } }],
      hasPassword: false,
    });
    const unlink = await laptop.request<ErrorBody>('DELETE', '/api/auth/oidc/identities/local');
    expect(unlink.status).toBe(409);
    expect(unlink.body.error.code).toBe('oidc_last_sign_in_method');
    expect((await signIn(agent(), person.sub)).pathname).toBe('/');
  });

  it('an address the provider did not verify is verified by mail, as at sign-up', async () => {
    const person = providerAccount({ email_verified: false });
    const browser = agent();
    expect((await signIn(browser, person.sub)).pathname).toBe('/sign-in/continue');
    const username = uniqueName('u').slice(0, 32).toLowerCase();
    const created = await browser.post<UserResponse>('/api/auth/oidc/pending/account', { username });
    expect(created.status).toBe(201);
    expect(created.body.user.emailVerified).toBe(false);
    expect(await smtp.waitForLink(person.email, /confirm/i)).toContain(`${PUBLIC_URL}/verify?token=`);
  });

  it('links an existing account when the provider verified its address and the password proves it', async () => {
    const person = providerAccount();
    const existing = await passwordAccount(person.email);
    const browser = agent();
    expect((await signIn(browser, person.sub)).pathname).toBe('/sign-in/continue');
    const pending = await browser.get<OidcPendingResponse>('/api/auth/oidc/pending');
    expect(pending.body.existingAccount).toBe(true);

    const duplicate = await browser.post<ErrorBody>('/api/auth/oidc/pending/account', { username: 'another-name' });
    expect(duplicate.body.error.code).toBe('email_taken');
    const wrong = await browser.post<ErrorBody>('/api/auth/oidc/pending/link', { password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');

    const linked = await browser.post<UserResponse>('/api/auth/oidc/pending/link', { password: PASSWORD });
    expect(linked.status).toBe(200);
    expect(linked.body.user).toMatchObject({ id: existing.id, emailVerified: true });

    const phone = agent();
    expect((await signIn(phone, person.sub)).pathname).toBe('/');
    expect((await phone.get<UserResponse>('/api/auth/me')).body.user.id).toBe(existing.id);

    // With a password to fall back on, the provider can be unlinked; then it is a stranger again.
    expect((await phone.get<LinkedIdentitiesResponse>('/api/auth/oidc/identities')).body.hasPassword).toBe(true);
    expect((await phone.request('DELETE', '/api/auth/oidc/identities/local')).status).toBe(204);
    expect((await phone.get<LinkedIdentitiesResponse>('/api/auth/oidc/identities')).body.identities).toEqual([]);
    expect((await signIn(agent(), person.sub)).pathname).toBe('/sign-in/continue');
  });

  it('refuses to link an account with two-factor on: the password alone must not get past its second factor', async () => {
    const person = providerAccount();
    const owner = agent();
    const username = uniqueName('tf').slice(0, 32).toLowerCase();
    expect((await owner.post('/api/auth/signup', { username, email: person.email, password: PASSWORD })).status).toBe(
      201,
    );
    const setup = await owner.post<TwoFactorSetup>('/api/auth/two-factor/setup', { password: PASSWORD });
    const code = await generate({ secret: setup.body.secret, epoch: Math.floor(Date.now() / 1000) });
    expect((await owner.post('/api/auth/two-factor/enable', { code })).status).toBe(200);

    const attacker = agent();
    expect((await signIn(attacker, person.sub)).pathname).toBe('/sign-in/continue');
    const refused = await attacker.post<ErrorBody>('/api/auth/oidc/pending/link', { password: PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('oidc_link_two_factor');
    expect((await attacker.get('/api/auth/me')).status).toBe(401);
    // Nothing was linked: the provider account is still a stranger.
    expect((await signIn(agent(), person.sub)).pathname).toBe('/sign-in/continue');
  });

  it('an account with no password is deleted on a fresh sign-in through the provider, not on an old session', async () => {
    const browser = agent();
    const person = await providerOnlyAccount(browser);
    await ageSessions(browser);
    const stale = await browser.post<ErrorBody>('/api/me/delete', {});
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('recent_sign_in_required');

    const fresh = agent();
    expect((await signIn(fresh, person.sub)).pathname).toBe('/');
    expect((await fresh.post('/api/me/delete', {})).status).toBe(204);
    // Its provider account no longer signs anyone in: it is a stranger again.
    expect((await signIn(agent(), person.sub)).pathname).toBe('/sign-in/continue');
  });

  it('an account with no password removes a passkey on a fresh sign-in through the provider, not on an old session', async () => {
    const browser = agent();
    const person = await providerOnlyAccount(browser);
    const { body } = await browser.post<WebAuthnOptionsResponse>('/api/auth/passkeys/options');
    const registered = await browser.post<PasskeyResponse>('/api/auth/passkeys', {
      name: 'Phone',
      response: new SoftAuthenticator(PUBLIC_URL).register(body.options),
    });
    expect(registered.status).toBe(201);
    const path = `/api/auth/passkeys/${registered.body.passkey.id}`;

    await ageSessions(browser);
    const stale = await browser.request<ErrorBody>('DELETE', path, {});
    expect([stale.status, stale.body.error.code]).toEqual([403, 'recent_sign_in_required']);
    expect(stale.body.error.message).toMatch(/sign in again through your provider, then remove the passkey/);
    expect((await browser.get<PasskeyListResponse>('/api/auth/passkeys')).body.passkeys).toHaveLength(1);

    const fresh = agent();
    expect((await signIn(fresh, person.sub)).pathname).toBe('/');
    expect((await fresh.request('DELETE', path, {})).status).toBe(204);
    expect((await fresh.get<PasskeyListResponse>('/api/auth/passkeys')).body.passkeys).toEqual([]);
  });

  it('refuses to link an address the provider did not verify, even with the right password', async () => {
    const person = providerAccount({ email_verified: false });
    await passwordAccount(person.email);
    const browser = agent();
    expect((await signIn(browser, person.sub)).pathname).toBe('/sign-in/continue');
    expect((await browser.get<OidcPendingResponse>('/api/auth/oidc/pending')).body).toMatchObject({
      emailVerified: false,
      existingAccount: true,
    });

    const refused = await browser.post<ErrorBody>('/api/auth/oidc/pending/link', { password: PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('oidc_email_unverified');
    expect(refused.body.error.message).toMatch(/Local ID has not confirmed/);
    expect((await browser.get('/api/auth/me')).status).toBe(401);
    // Nothing was linked: the next sign-in is a stranger again.
    expect((await signIn(agent(), person.sub)).pathname).toBe('/sign-in/continue');
  });

  it('a callback whose state is not the one this browser started is refused, and so is a replay', async () => {
    const person = providerAccount();
    const browser = agent();
    const back = await throughProvider(browser, { account: person.sub });
    const forged = new URL(back);
    forged.searchParams.set('state', 'attacker-state');
    const refused = await callback(browser, forged);
    expect(refused.pathname).toBe('/login');
    expect(refused.searchParams.get('oidc_error')).toBe('oidc_state_mismatch');

    // The flow is used up: the genuine answer, arriving after, finds no flow to finish.
    const replay = await callback(browser, back);
    expect(replay.searchParams.get('oidc_error')).toBe('oidc_flow_expired');
    expect((await browser.get('/api/auth/me')).status).toBe(401);
  });

  it('an ID token minted for another nonce is refused', async () => {
    const person = providerAccount();
    const browser = agent();
    const back = await throughProvider(browser, { account: person.sub });
    // What an attacker who could write the flow cookie would try; the signature holds only with the secret.
    const cookie = unsign(decodeURIComponent(browser.cookie('oidc_flow') ?? ''), SESSION_SECRET);
    expect(cookie.valid).toBe(true);
    const flow = JSON.parse(cookie.value ?? '{}') as { nonce: string };
    browser.setCookie(
      'oidc_flow',
      encodeURIComponent(sign(JSON.stringify({ ...flow, nonce: 'another-nonce' }), SESSION_SECRET)),
    );
    const refused = await callback(browser, back);
    expect(refused.searchParams.get('oidc_error')).toBe('oidc_nonce_mismatch');
    expect((await browser.get('/api/auth/me')).status).toBe(401);
  });

  it('a flow cookie changed without the secret counts as no flow at all', async () => {
    const person = providerAccount();
    const browser = agent();
    const back = await throughProvider(browser, { account: person.sub });
    const [value = ''] = decodeURIComponent(browser.cookie('oidc_flow') ?? '').split(/\.(?=[^.]+$)/);
    browser.setCookie('oidc_flow', encodeURIComponent(`${value.replace(/"nonce":"[^"]+"/, '"nonce":"x"')}.forged`));
    const refused = await callback(browser, back);
    expect(refused.searchParams.get('oidc_error')).toBe('oidc_flow_expired');
  });

  it("the provider's refusal (the person cancelled) is shown on the sign-in page with its code", async () => {
    const browser = agent();
    const back = await throughProvider(browser, 'cancel');
    expect(back.searchParams.get('error')).toBe('access_denied');
    const next = await callback(browser, back);
    expect(next.pathname).toBe('/login');
    expect(next.searchParams.get('oidc_error')).toBe('oidc_provider_error');
    expect(next.searchParams.get('provider_error')).toBe('access_denied');
  });

  it('a provider that cannot be reached is answered on the sign-in page, and the chat still starts', async () => {
    const unreachable = await startServer({
      ...environment.backend.env,
      PUBLIC_URL,
      SESSION_SECRET,
      // Port 9 (discard) has nobody listening on this machine.
      OIDC_PROVIDERS: 'down',
      OIDC_DOWN_ISSUER: 'http://127.0.0.1:9',
      OIDC_DOWN_CLIENT_ID: 'chat',
      OIDC_DOWN_CLIENT_SECRET: 'secret',
    });
    try {
      const response = await new TestAgent(unreachable.url, PUBLIC_URL).navigate('/api/auth/oidc/down/start');
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/login?oidc_error=oidc_unavailable');
    } finally {
      await unreachable.close();
    }
  });

  it('an unknown provider is answered on the sign-in page, not with an error page', async () => {
    const response = await agent().navigate('/api/auth/oidc/nowhere/start');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?oidc_error=oidc_unknown_provider');
    const pending = await agent().get<ErrorBody>('/api/auth/oidc/pending');
    expect(pending.status).toBe(410);
  });
});
