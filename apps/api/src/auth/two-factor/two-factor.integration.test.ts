import type {
  ErrorBody,
  LoginResponse,
  RecoveryCodesResponse,
  TwoFactorChallenge,
  TwoFactorSetup,
  TwoFactorStatus,
  UserResponse,
} from '@chat/protocol';
import { RECOVERY_CODE_COUNT } from '@chat/protocol';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind, uniqueName } from '../../../test/backends.ts';
import { TestAgent } from '../../../test/http.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../../test/server.ts';
import { AUTH_LIMITS } from '../rate-limits.ts';
import { hashSecret } from '../secrets.ts';

const PUBLIC_URL = 'http://chat.test';
const PASSWORD = 'correct horse battery';
const STEP_MS = 30_000;

/** The code an authenticator app shows at `ms`: now, or the next step (which the server accepts as clock drift). */
const codeAt = (secret: string, ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });

describe.each(BACKENDS)('two-factor sign-in on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let server: TestServer;
  const browser = () => new TestAgent(server.url, PUBLIC_URL);

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    server = await startServer({ ...environment.backend.env, PUBLIC_URL, TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await server.close();
    await environment.dispose();
  });

  async function account() {
    const username = uniqueName('tf').slice(0, 32).toLowerCase();
    const agent = browser();
    const signup = await agent.post('/api/auth/signup', {
      username,
      email: `${username}@example.com`,
      password: PASSWORD,
    });
    expect(signup.status).toBe(201);
    return { username, agent };
  }

  /** An account with two-factor on; `enableCode` is the code that turned it on, already used. */
  async function twoFactorAccount() {
    const { username, agent } = await account();
    const setup = await agent.post<TwoFactorSetup>('/api/auth/two-factor/setup', { password: PASSWORD });
    expect(setup.status).toBe(200);
    const { secret } = setup.body;
    const enableCode = await codeAt(secret, Date.now());
    const enabled = await agent.post<RecoveryCodesResponse>('/api/auth/two-factor/enable', { code: enableCode });
    expect(enabled.status).toBe(200);
    return { username, agent, secret, enableCode, recoveryCodes: enabled.body.recoveryCodes };
  }

  async function passwordStep(agent: TestAgent, username: string, extra: Record<string, unknown> = {}) {
    const response = await agent.post<LoginResponse>('/api/auth/login', {
      login: username,
      password: PASSWORD,
      ...extra,
    });
    expect(response.status).toBe(200);
    if (!('twoFactor' in response.body)) throw new Error('expected a two-factor challenge');
    return response.body.twoFactor;
  }

  const secondStep = (
    agent: TestAgent,
    challenge: TwoFactorChallenge,
    code: string,
    extra: Record<string, unknown> = {},
  ) =>
    agent.post<UserResponse & ErrorBody>('/api/auth/login/two-factor', {
      challenge: challenge.challenge,
      code,
      ...extra,
    });

  it('turns on only with the password and a first right code, and shows ten recovery codes once', async () => {
    const { agent } = await account();
    const wrongPassword = await agent.post<ErrorBody>('/api/auth/two-factor/setup', { password: 'not it at all' });
    expect([wrongPassword.status, wrongPassword.body.error.code]).toEqual([400, 'invalid_credentials']);

    const setup = await agent.post<TwoFactorSetup>('/api/auth/two-factor/setup', { password: PASSWORD });
    expect(setup.body.otpauthUrl).toContain(`secret=${setup.body.secret}`);
    expect(setup.body.otpauthUrl).toContain('issuer=chat.test');
    const wrong = await agent.post<ErrorBody>('/api/auth/two-factor/enable', { code: '000000' });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'code_invalid']);
    expect((await agent.get<TwoFactorStatus>('/api/auth/two-factor')).body).toEqual({
      enabled: false,
      recoveryCodesLeft: 0,
    });

    const enabled = await agent.post<RecoveryCodesResponse>('/api/auth/two-factor/enable', {
      code: await codeAt(setup.body.secret, Date.now()),
    });
    expect(enabled.body.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(enabled.body.recoveryCodes).size).toBe(RECOVERY_CODE_COUNT);
    const status = await agent.get<TwoFactorStatus>('/api/auth/two-factor');
    expect(status.body).toEqual({ enabled: true, recoveryCodesLeft: RECOVERY_CODE_COUNT });
    expect(JSON.stringify(status.body)).not.toContain(setup.body.secret);

    const again = await agent.post<ErrorBody>('/api/auth/two-factor/setup', { password: PASSWORD });
    expect([again.status, again.body.error.code]).toEqual([409, 'two_factor_already_enabled']);
  });

  it('keeps the secret encrypted and the recovery codes hashed in the database', async () => {
    const { username, secret, recoveryCodes } = await twoFactorAccount();
    const db = server.app.database.db;
    const user = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    const row = await db.selectFrom('two_factor').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(secret);
    const hashes = await db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', user.id).execute();
    expect(hashes.map((h) => h.code_hash)).not.toContain(recoveryCodes[0]);
    expect(hashes).toHaveLength(RECOVERY_CODE_COUNT);
  });

  it('asks for the code after the password, opens no session before it, and refuses wrong and reused codes', async () => {
    const { username, secret, enableCode } = await twoFactorAccount();
    const laptop = browser();
    const challenge = await passwordStep(laptop, username);
    expect(challenge.expiresAt).toBeGreaterThan(Date.now());
    expect((await laptop.get('/api/auth/me')).status).toBe(401);

    const wrong = await secondStep(laptop, challenge, '123456');
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'code_invalid']);
    // The code that turned two-factor on was seen once: typed again within its window, it is refused.
    const reused = await secondStep(laptop, challenge, enableCode);
    expect([reused.status, reused.body.error.code]).toEqual([400, 'code_invalid']);

    const signedIn = await secondStep(laptop, challenge, await codeAt(secret, Date.now() + STEP_MS));
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.username).toBe(username);
    expect((await laptop.get<UserResponse>('/api/auth/me')).body.user.username).toBe(username);

    // The challenge was used up by the sign-in it completed.
    const replay = await secondStep(browser(), challenge, await codeAt(secret, Date.now() + STEP_MS));
    expect([replay.status, replay.body.error.code]).toEqual([400, 'challenge_invalid']);
  });

  it('signs in with a recovery code once, and never with the same one again', async () => {
    const { username, agent, recoveryCodes } = await twoFactorAccount();
    const [code = ''] = recoveryCodes;
    const first = await secondStep(browser(), await passwordStep(browser(), username), code.toUpperCase());
    expect(first.status).toBe(200);
    expect((await agent.get<TwoFactorStatus>('/api/auth/two-factor')).body.recoveryCodesLeft).toBe(
      RECOVERY_CODE_COUNT - 1,
    );

    const again = await secondStep(browser(), await passwordStep(browser(), username), code);
    expect([again.status, again.body.error.code]).toEqual([400, 'code_invalid']);
  });

  it('refuses an expired challenge and one that never existed', async () => {
    const { username, secret } = await twoFactorAccount();
    const challenge = await passwordStep(browser(), username);
    // Five minutes pass: the stored expiry is moved rather than the test waiting.
    await server.app.database.db
      .updateTable('tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('hash', '=', hashSecret(challenge.challenge))
      .execute();
    const expired = await secondStep(browser(), challenge, await codeAt(secret, Date.now() + STEP_MS));
    expect([expired.status, expired.body.error.code]).toEqual([400, 'challenge_invalid']);
    const madeUp = await secondStep(browser(), { challenge: 'x'.repeat(43), expiresAt: 0 }, '123456');
    expect([madeUp.status, madeUp.body.error.code]).toEqual([400, 'challenge_invalid']);
  });

  it('locks the account out after too many wrong codes, even for the right one', async () => {
    const { username, secret } = await twoFactorAccount();
    const challenge = await passwordStep(browser(), username);
    const { limit } = AUTH_LIMITS.twoFactorPerAccount;
    // Enabling spent one attempt of the account's budget.
    for (let i = 1; i < limit; i++) expect((await secondStep(browser(), challenge, '000000')).status).toBe(400);
    const locked = await secondStep(browser(), challenge, await codeAt(secret, Date.now() + STEP_MS));
    expect([locked.status, locked.body.error.code]).toEqual([429, 'rate_limited']);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('lets a client that is not a browser sign in in the same two steps with a bearer token', async () => {
    const { username, secret } = await twoFactorAccount();
    const client = new TestAgent(server.url, undefined);
    const challenge = await passwordStep(client, username, { issueToken: true });
    const done = await secondStep(client, challenge, await codeAt(secret, Date.now() + STEP_MS), { issueToken: true });
    expect(done.status).toBe(200);
    expect(done.body.token).toBeTruthy();
    expect(done.headers.getSetCookie()).toEqual([]);
    const me = await client.request<UserResponse>('GET', '/api/auth/me', undefined, {
      authorization: `Bearer ${done.body.token}`,
    });
    expect(me.body.user.username).toBe(username);
  });

  it('turns off only with the password and a code, after which the password alone signs in', async () => {
    const { username, agent, secret, recoveryCodes } = await twoFactorAccount();
    const noPassword = await agent.post<ErrorBody>('/api/auth/two-factor/disable', {
      password: 'wrong password',
      code: await codeAt(secret, Date.now() + STEP_MS),
    });
    expect([noPassword.status, noPassword.body.error.code]).toEqual([400, 'invalid_credentials']);
    const noCode = await agent.post<ErrorBody>('/api/auth/two-factor/disable', { password: PASSWORD, code: '000000' });
    expect([noCode.status, noCode.body.error.code]).toEqual([400, 'code_invalid']);
    const missing = await agent.post<ErrorBody>('/api/auth/two-factor/disable', { password: PASSWORD });
    expect(missing.status).toBe(400);
    expect((await agent.get<TwoFactorStatus>('/api/auth/two-factor')).body.enabled).toBe(true);

    const off = await agent.post('/api/auth/two-factor/disable', { password: PASSWORD, code: recoveryCodes[0] });
    expect(off.status).toBe(204);
    const login = await browser().post<LoginResponse>('/api/auth/login', { login: username, password: PASSWORD });
    expect('user' in login.body && login.body.user.username).toBe(username);
  });

  it('a password reset through the mailbox still asks for the code before it signs in', async () => {
    const { username, secret } = await twoFactorAccount();
    const email = `${username}@example.com`;
    expect((await browser().post('/api/auth/password/forgot', { email })).status).toBe(202);
    const mails = (await (await fetch(`${server.url}/dev/mailbox?to=${encodeURIComponent(email)}`)).json()) as Array<{
      text: string;
    }>;
    const link = mails.map((mail) => mail.text.match(/https?:\/\/\S+reset-password\S+/)?.[0]).find(Boolean) ?? '';
    const mailboxHolder = browser();
    const reset = await mailboxHolder.post<LoginResponse>('/api/auth/password/reset', {
      token: new URL(link).searchParams.get('token'),
      password: 'a brand new secret',
    });
    expect(reset.status).toBe(200);
    if (!('twoFactor' in reset.body)) throw new Error('the reset signed in without the second factor');
    expect((await mailboxHolder.get('/api/auth/me')).status).toBe(401);
    const done = await secondStep(mailboxHolder, reset.body.twoFactor, await codeAt(secret, Date.now() + STEP_MS));
    expect(done.body.user.username).toBe(username);
  });

  it('makes new recovery codes for a code, and the old ones stop working', async () => {
    const { username, agent, recoveryCodes } = await twoFactorAccount();
    const refused = await agent.post<ErrorBody>('/api/auth/two-factor/recovery-codes', { code: '000000' });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'code_invalid']);
    const fresh = await agent.post<RecoveryCodesResponse>('/api/auth/two-factor/recovery-codes', {
      code: recoveryCodes[0],
    });
    expect(fresh.body.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);

    const old = await secondStep(browser(), await passwordStep(browser(), username), recoveryCodes[1] ?? '');
    expect([old.status, old.body.error.code]).toEqual([400, 'code_invalid']);
    const now = await secondStep(browser(), await passwordStep(browser(), username), fresh.body.recoveryCodes[0] ?? '');
    expect(now.status).toBe(200);
  });
});
