import type {
  ErrorBody,
  PasskeyListResponse,
  PasskeyResponse,
  UserResponse,
  WebAuthnOptionsResponse,
} from '@chat/protocol';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../../../test/authenticator.ts';
import { BACKENDS, type BackendKind, uniqueName } from '../../../test/backends.ts';
import { TestAgent } from '../../../test/http.ts';
import { startTwoNodes, type TwoNodes } from '../../../test/server.ts';

const PUBLIC_URL = 'http://chat.test';
const PASSWORD = 'correct horse battery';

describe.each(BACKENDS)('passkeys on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  const onA = () => new TestAgent(nodes.nodeA.url, PUBLIC_URL);
  const onB = () => new TestAgent(nodes.nodeB.url, PUBLIC_URL);

  beforeAll(async () => {
    nodes = await startTwoNodes(kind, { PUBLIC_URL });
  });
  afterAll(async () => nodes.close());

  async function account() {
    const username = uniqueName('pk').slice(0, 32).toLowerCase();
    const agent = onA();
    const signup = await agent.post('/api/auth/signup', {
      username,
      email: `${username}@example.com`,
      password: PASSWORD,
    });
    expect(signup.status).toBe(201);
    return { username, agent, authenticator: new SoftAuthenticator(PUBLIC_URL) };
  }

  async function register(agent: TestAgent, authenticator: SoftAuthenticator, name = 'Laptop') {
    const { body } = await agent.post<WebAuthnOptionsResponse>('/api/auth/passkeys/options');
    return agent.post<PasskeyResponse & ErrorBody>('/api/auth/passkeys', {
      name,
      response: authenticator.register(body.options),
    });
  }

  /** Asks one node for the options and answers on the other: challenges are shared through the database. */
  async function signInWithPasskey(authenticator: SoftAuthenticator, browser = onB()) {
    const { body } = await onA().post<WebAuthnOptionsResponse>('/api/auth/login/passkey/options');
    expect(body.options.allowCredentials ?? []).toEqual([]);
    const response = authenticator.assert(body.options);
    return { browser, result: await browser.post<UserResponse & ErrorBody>('/api/auth/login/passkey', { response }) };
  }

  it('registers named passkeys, lists them with their dates, and signs in with one without a username', async () => {
    const { username, agent, authenticator } = await account();
    const laptop = await register(agent, authenticator, 'Laptop');
    expect(laptop.status).toBe(201);
    expect(laptop.body.passkey).toMatchObject({ name: 'Laptop', lastUsedAt: null });
    expect((await register(agent, new SoftAuthenticator(PUBLIC_URL), 'Phone')).status).toBe(201);

    const { browser, result } = await signInWithPasskey(authenticator);
    expect(result.status).toBe(200);
    expect(result.body.user.username).toBe(username);
    expect((await browser.get<UserResponse>('/api/auth/me')).body.user.username).toBe(username);

    const list = await agent.get<PasskeyListResponse>('/api/auth/passkeys');
    expect(list.body.passkeys.map((p) => p.name)).toEqual(['Laptop', 'Phone']);
    expect(list.body.passkeys[0]?.lastUsedAt).toBeGreaterThan(0);
    expect(list.body.passkeys[1]?.lastUsedAt).toBeNull();
    expect(JSON.stringify(list.body)).not.toContain('publicKey');
  });

  it('does not ask a two-factor account for a code after a passkey', async () => {
    const { username, agent, authenticator } = await account();
    const setup = await agent.post<{ secret: string }>('/api/auth/two-factor/setup', { password: PASSWORD });
    await agent.post('/api/auth/two-factor/enable', { code: await generate({ secret: setup.body.secret }) });
    await register(agent, authenticator);
    const { result } = await signInWithPasskey(authenticator);
    expect(result.body.user.username).toBe(username);
  });

  it('refuses a replayed challenge, a cloned authenticator whose counter went back, and a removed passkey', async () => {
    const { agent, authenticator } = await account();
    await register(agent, authenticator);
    const { body } = await onA().post<WebAuthnOptionsResponse>('/api/auth/login/passkey/options');
    const response = authenticator.assert(body.options);
    expect((await onB().post('/api/auth/login/passkey', { response })).status).toBe(200);
    const replay = await onA().post<ErrorBody>('/api/auth/login/passkey', { response });
    expect([replay.status, replay.body.error.code]).toEqual([400, 'passkey_invalid']);

    const [credential] = authenticator.credentials;
    if (!credential) throw new Error('no credential');
    credential.counter = 0;
    const cloned = await signInWithPasskey(authenticator);
    expect([cloned.result.status, cloned.result.body.error.code]).toEqual([400, 'passkey_invalid']);

    const [passkey] = (await agent.get<PasskeyListResponse>('/api/auth/passkeys')).body.passkeys;
    const noPassword = await agent.request<ErrorBody>('DELETE', `/api/auth/passkeys/${passkey?.id}`, {
      password: 'nope nope',
    });
    expect([noPassword.status, noPassword.body.error.code]).toEqual([403, 'invalid_credentials']);
    expect(noPassword.body.error.message).toBe('That password is not right: the passkey was not removed.');
    const missing = await agent.request<ErrorBody>('DELETE', `/api/auth/passkeys/${passkey?.id}`, {});
    expect([missing.status, missing.body.error.code]).toEqual([403, 'invalid_credentials']);
    const removed = await agent.request('DELETE', `/api/auth/passkeys/${passkey?.id}`, { password: PASSWORD });
    expect(removed.status).toBe(204);
    credential.counter = 100;
    const gone = await signInWithPasskey(authenticator);
    expect([gone.result.status, gone.result.body.error.code]).toEqual([400, 'passkey_invalid']);
  });

  it("refuses a registration answered for another site, and removing someone else's passkey", async () => {
    const { agent, authenticator } = await account();
    const { body } = await agent.post<WebAuthnOptionsResponse>('/api/auth/passkeys/options');
    const phishing = new SoftAuthenticator('http://chat.example.net').register(body.options);
    const refused = await agent.post<ErrorBody>('/api/auth/passkeys', { name: 'Phished', response: phishing });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'passkey_invalid']);

    await register(agent, authenticator);
    const [passkey] = (await agent.get<PasskeyListResponse>('/api/auth/passkeys')).body.passkeys;
    const other = await account();
    const theft = await other.agent.request<ErrorBody>('DELETE', `/api/auth/passkeys/${passkey?.id}`, {
      password: PASSWORD,
    });
    expect([theft.status, theft.body.error.code]).toEqual([404, 'not_found']);
  });

  it('gives a client that is not a browser a bearer token for a passkey sign-in', async () => {
    const { username, agent, authenticator } = await account();
    await register(agent, authenticator);
    const { body } = await onA().post<WebAuthnOptionsResponse>('/api/auth/login/passkey/options');
    const client = new TestAgent(nodes.nodeB.url, undefined);
    const result = await client.post<UserResponse>('/api/auth/login/passkey', {
      response: authenticator.assert(body.options),
      issueToken: true,
    });
    expect(result.body.token).toBeTruthy();
    const me = await client.request<UserResponse>('GET', '/api/auth/me', undefined, {
      authorization: `Bearer ${result.body.token}`,
    });
    expect(me.body.user.username).toBe(username);
  });
});
