import type { ErrorBody, UserResponse } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind, uniqueName } from '../../test/backends.ts';
import { TestAgent } from '../../test/http.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';
import { TestSmtpServer } from '../../test/smtp.ts';

const PUBLIC_URL = 'http://chat.test';
const PASSWORD = 'correct horse battery';

const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';
const newUser = () => {
  const username = uniqueName('u').slice(0, 32).toLowerCase();
  return { username, email: `${username}@example.com`, password: PASSWORD };
};

describe.each(BACKENDS)('accounts on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let smtp: TestSmtpServer;
  let server: TestServer;
  let env: Record<string, string>;
  const agent = (ip?: string) => new TestAgent(server.url, PUBLIC_URL, ip);

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    smtp = await TestSmtpServer.start();
    env = {
      ...environment.backend.env,
      PUBLIC_URL,
      SMTP_URL: smtp.url,
      TRUST_PROXY: '1',
      MAIL_RETRY_BASE_MS: '100',
    };
    server = await startServer(env);
  });

  afterAll(async () => {
    await server.close();
    await smtp.down();
    await environment.dispose();
  });

  async function signUp(browser = agent()) {
    const user = newUser();
    const response = await browser.post<UserResponse>('/api/auth/signup', user);
    expect(response.status).toBe(201);
    return { ...user, browser, id: response.body.user.id };
  }

  it('sign-up mails a link that verifies the account; then login and /me', async () => {
    const { username, email, browser } = await signUp();
    expect((await browser.get<UserResponse>('/api/auth/me')).body.user).toMatchObject({
      username,
      email,
      emailVerified: false,
    });

    const link = await smtp.waitForLink(email, /confirm/i);
    expect(link.startsWith(`${PUBLIC_URL}/verify?token=`)).toBe(true);
    const mail = smtp.mailsTo(email)[0];
    expect(mail?.html).toContain(link.replaceAll('&', '&amp;'));

    const verified = await agent().post<UserResponse>('/api/auth/verify', { token: tokenOf(link) });
    expect(verified.status).toBe(200);
    expect(verified.body.user.emailVerified).toBe(true);

    const laptop = agent();
    const login = await laptop.post<UserResponse>('/api/auth/login', {
      login: email.toUpperCase(),
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    const me = await laptop.get<UserResponse>('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ username, email, emailVerified: true });
  });

  it('the session cookie is httpOnly, SameSite=Lax and signed, and logs in by username too', async () => {
    const { username, browser } = await signUp();
    await browser.post('/api/auth/logout');
    const response = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PUBLIC_URL, 'x-forwarded-for': browser.ip },
      body: JSON.stringify({ login: username, password: PASSWORD }),
    });
    const cookie = response.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^sid=[\w-]+\.[\w+/=-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('a tampered session cookie or an unknown bearer token is not a session', async () => {
    const { browser } = await signUp();
    const cookie = browser.cookie('sid') ?? '';
    const tampered = await fetch(`${server.url}/api/auth/me`, { headers: { cookie: `sid=x${cookie}` } });
    expect(tampered.status).toBe(401);
    const bearer = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: 'Bearer nope' } });
    expect(bearer.status).toBe(401);
    expect(((await bearer.json()) as ErrorBody).error.code).toBe('unauthenticated');
  });

  it('a bearer token from login works for clients that are not browsers', async () => {
    const { username } = await signUp();
    const script = new TestAgent(server.url, undefined);
    const login = await script.post<UserResponse>('/api/auth/login', {
      login: username,
      password: PASSWORD,
      issueToken: true,
    });
    expect(login.status).toBe(200);
    expect(login.headers.getSetCookie()).toEqual([]);
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${login.body.token}` } });
    expect(((await me.json()) as UserResponse).user.username).toBe(username);
  });

  it('resend mails a new verification link to a signed-in, unverified user', async () => {
    const { email, browser } = await signUp();
    await smtp.waitForLink(email, /confirm/i);
    expect((await browser.post('/api/auth/verify/resend')).status).toBe(202);
    await expect.poll(() => smtp.mailsTo(email).length).toBe(2);
    const anonymous = await agent().post<ErrorBody>('/api/auth/verify/resend');
    expect(anonymous.status).toBe(401);
  });

  it('forgot → reset: the old password fails, the new one works, every other session ends', async () => {
    const { email, username, browser: phone } = await signUp();
    const laptop = agent();
    await laptop.post('/api/auth/login', { login: username, password: PASSWORD });
    expect((await laptop.get('/api/auth/me')).status).toBe(200);

    const forgot = await agent().post('/api/auth/password/forgot', { email });
    expect(forgot.status).toBe(202);
    const link = await smtp.waitForLink(email, /reset/i);
    expect(link.startsWith(`${PUBLIC_URL}/reset-password?token=`)).toBe(true);

    const resetter = agent();
    const reset = await resetter.post<UserResponse>('/api/auth/password/reset', {
      token: tokenOf(link),
      password: 'a brand new secret',
    });
    expect(reset.status).toBe(200);
    expect((await resetter.get('/api/auth/me')).status).toBe(200);
    expect((await laptop.get('/api/auth/me')).status).toBe(401);
    expect((await phone.get('/api/auth/me')).status).toBe(401);

    const old = await agent().post<ErrorBody>('/api/auth/login', { login: username, password: PASSWORD });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('invalid_credentials');
    expect((await agent().post('/api/auth/login', { login: username, password: 'a brand new secret' })).status).toBe(
      200,
    );

    const replay = await agent().post<ErrorBody>('/api/auth/password/reset', {
      token: tokenOf(link),
      password: 'yet another secret',
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('token_used');
  });

  it('a reset refused for a weak password keeps the link usable', async () => {
    const { email } = await signUp();
    await agent().post('/api/auth/password/forgot', { email });
    const token = tokenOf(await smtp.waitForLink(email, /reset/i));
    const weak = await agent().post<ErrorBody>('/api/auth/password/reset', { token, password: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields).toEqual({ password: 'password_too_weak' });
    expect((await agent().post('/api/auth/password/reset', { token, password: 'strong enough now' })).status).toBe(200);
  });

  it('tokens are single use, expire, and must exist', async () => {
    const { email, id } = await signUp();
    const token = tokenOf(await smtp.waitForLink(email, /confirm/i));
    expect((await agent().post('/api/auth/verify', { token })).status).toBe(200);
    const replayed = await agent().post<ErrorBody>('/api/auth/verify', { token });
    expect([replayed.status, replayed.body.error.code]).toEqual([400, 'token_used']);
    const unknown = await agent().post<ErrorBody>('/api/auth/verify', { token: 'made-up' });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'token_invalid']);

    await agent().post('/api/auth/password/forgot', { email });
    const resetToken = tokenOf(await smtp.waitForLink(email, /reset/i));
    // An hour and a bit later, as far as the token is concerned:
    await server.app.database.db
      .updateTable('tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('user_id', '=', id)
      .execute();
    const expired = await agent().post<ErrorBody>('/api/auth/password/reset', {
      token: resetToken,
      password: 'fresh password 1',
    });
    expect([expired.status, expired.body.error.code]).toEqual([400, 'token_expired']);
    // A verify token is no reset token, and the other way round.
    const wrongPurpose = await agent().post<ErrorBody>('/api/auth/verify', { token: resetToken });
    expect(wrongPurpose.body.error.code).toBe('token_invalid');
  });

  it('forgot-password answers the same whether or not the address has an account', async () => {
    const { email } = await signUp();
    const known = await agent().post('/api/auth/password/forgot', { email });
    const unknown = await agent().post('/api/auth/password/forgot', { email: `nobody-${email}` });
    expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
    expect(known.status).toBe(202);
  });

  it('login says the same for an unknown account and a wrong password', async () => {
    const { username } = await signUp();
    const wrong = await agent().post('/api/auth/login', { login: username, password: 'not the password' });
    const unknown = await agent().post('/api/auth/login', { login: `${username}x`, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect([unknown.status, unknown.body]).toEqual([wrong.status, wrong.body]);
  });

  it('logout ends this session; logout-all ends every session', async () => {
    const { username, browser: first } = await signUp();
    const second = agent();
    const third = agent();
    await second.post('/api/auth/login', { login: username, password: PASSWORD });
    await third.post('/api/auth/login', { login: username, password: PASSWORD });
    expect((await first.post('/api/auth/logout')).status).toBe(204);
    expect((await first.get('/api/auth/me')).status).toBe(401);
    expect((await second.get('/api/auth/me')).status).toBe(200);
    expect((await second.post('/api/auth/logout-all')).status).toBe(204);
    expect((await third.get('/api/auth/me')).status).toBe(401);
    expect((await second.get('/api/auth/me')).status).toBe(401);
  });

  describe('refuses bad input', () => {
    it('reports every field at fault, each with its own code', async () => {
      const response = await agent().post<ErrorBody>('/api/auth/signup', {
        username: 'a b',
        email: 'nope',
        password: 'short',
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'validation_failed',
        fields: { username: 'username_invalid', email: 'email_invalid', password: 'password_too_short' },
      });
    });

    it('a 73-byte password is an error, not a silent cut', async () => {
      const user = newUser();
      const response = await agent().post<ErrorBody>('/api/auth/signup', { ...user, password: `${'é'.repeat(36)}x` });
      expect(response.status).toBe(400);
      expect(response.body.error.fields).toEqual({ password: 'password_too_long' });
    });

    it('a username or email taken in another case', async () => {
      const { username, email } = await signUp();
      const sameName = await agent().post<ErrorBody>('/api/auth/signup', {
        ...newUser(),
        username: username.toUpperCase(),
      });
      expect([sameName.status, sameName.body.error.code]).toEqual([409, 'username_taken']);
      const sameEmail = await agent().post<ErrorBody>('/api/auth/signup', { ...newUser(), email: email.toUpperCase() });
      expect([sameEmail.status, sameEmail.body.error.code]).toEqual([409, 'email_taken']);
    });

    it('availability answers for live validation, with format problems as reasons', async () => {
      const { username, email } = await signUp();
      const ask = async (query: string) => (await agent().get(`/api/auth/availability?${query}`)).body;
      expect(await ask(`username=${username.toUpperCase()}`)).toEqual({ available: false, reason: 'username_taken' });
      expect(await ask(`email=${encodeURIComponent(email)}`)).toEqual({ available: false, reason: 'email_taken' });
      expect(await ask('username=fresh_name_42')).toEqual({ available: true });
      expect(await ask('username=no')).toEqual({ available: false, reason: 'username_too_short' });
      expect(await ask('email=not-an-email')).toEqual({ available: false, reason: 'email_invalid' });
      expect((await agent().get('/api/auth/availability')).status).toBe(400);
    });

    it('a state-changing request from another origin', async () => {
      const { username } = await signUp();
      const evil = new TestAgent(server.url, 'http://evil.test');
      const response = await evil.post<ErrorBody>('/api/auth/login', { login: username, password: PASSWORD });
      expect([response.status, response.body.error.code]).toEqual([403, 'bad_origin']);
    });

    it('a cookie-carrying request without Origin', async () => {
      const { browser } = await signUp();
      const response = await fetch(`${server.url}/api/auth/logout`, {
        method: 'POST',
        headers: { cookie: `sid=${browser.cookie('sid')}` },
      });
      expect(response.status).toBe(403);
      expect((await browser.get('/api/auth/me')).status).toBe(200);
    });

    it('a body that is not JSON', async () => {
      const response = await agent().request<ErrorBody>('POST', '/api/auth/login', 'login=a&password=b', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect([response.status, response.body.error.code]).toEqual([415, 'unsupported_media_type']);
      const broken = await agent().request<ErrorBody>('POST', '/api/auth/login', '{"login":', {});
      expect([broken.status, broken.body.error.code]).toEqual([400, 'bad_request']);
    });

    it('a missing session cookie', async () => {
      const response = await agent().get<ErrorBody>('/api/auth/me');
      expect([response.status, response.body.error.code]).toEqual([401, 'unauthenticated']);
    });

    it('too many logins on one account, from many addresses: 429 with Retry-After', async () => {
      const { username } = await signUp();
      for (let i = 0; i < 10; i++) {
        expect((await agent().post('/api/auth/login', { login: username, password: 'wrong password' })).status).toBe(
          401,
        );
      }
      const limited = await agent().post<ErrorBody>('/api/auth/login', { login: username, password: PASSWORD });
      expect([limited.status, limited.body.error.code]).toEqual([429, 'rate_limited']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('too many sign-ups, forgot-password requests or resends from one address: 429', async () => {
      const ip = '192.0.2.77';
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await agent(ip).post('/api/auth/signup', newUser())).status);
      expect(statuses.slice(0, 10).every((status) => status === 201)).toBe(true);
      expect(statuses[10]).toBe(429);

      const forgot: number[] = [];
      for (let i = 0; i < 4; i++)
        forgot.push((await agent().post('/api/auth/password/forgot', { email: 'same@example.com' })).status);
      expect(forgot).toEqual([202, 202, 202, 429]);

      const { browser } = await signUp();
      const resends: number[] = [];
      for (let i = 0; i < 4; i++) resends.push((await browser.post('/api/auth/verify/resend')).status);
      expect(resends).toEqual([202, 202, 202, 429]);
    });
  });

  describe('the mail queue', () => {
    it('sign-up answers at once while SMTP is down; the mail arrives when it is back, after a node restart too', async () => {
      await smtp.down();
      const user = newUser();
      const started = performance.now();
      const response = await agent().post('/api/auth/signup', user);
      expect(response.status).toBe(201);
      expect(performance.now() - started).toBeLessThan(1000);

      // Let a few attempts fail, then restart the node while the mail is still queued.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(smtp.mailsTo(user.email)).toEqual([]);
      await server.close();
      await smtp.up();
      server = await startServer(env);
      await smtp.waitForLink(user.email, /confirm/i);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(smtp.mailsTo(user.email)).toHaveLength(1);
    });

    it('two nodes on one database send each mail exactly once', async () => {
      const second = await startServer(env);
      try {
        const users = await Promise.all(
          Array.from({ length: 6 }, (_, i) => {
            const user = newUser();
            const node = i % 2 === 0 ? server : second;
            return new TestAgent(node.url, PUBLIC_URL).post('/api/auth/signup', user).then(() => user);
          }),
        );
        for (const user of users) await smtp.waitForLink(user.email, /confirm/i);
        // Both workers poll every second: give a duplicate every chance to show up.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        for (const user of users) expect(smtp.mailsTo(user.email)).toHaveLength(1);
      } finally {
        await second.close();
      }
    });
  });
});

describe('without SMTP_URL (embedded default)', () => {
  let environment: TestEnvironment;
  let server: TestServer;
  beforeAll(async () => {
    environment = await createEnvironment('embedded');
    server = await startServer({ ...environment.backend.env, PUBLIC_URL });
  });
  afterAll(async () => {
    await server.close();
    await environment.dispose();
  });

  it('mails are readable at /dev/mailbox with their link', async () => {
    const user = newUser();
    await new TestAgent(server.url, PUBLIC_URL).post('/api/auth/signup', user);
    const mailbox = (await (await fetch(`${server.url}/dev/mailbox`)).json()) as Array<{ to: string; text: string }>;
    const mail = mailbox.find((m) => m.to === user.email);
    expect(mail?.text).toContain(`${PUBLIC_URL}/verify?token=`);
  });

  it('/dev/mailbox does not exist in production', async () => {
    const production = await startServer({
      ...environment.backend.env,
      NODE_ENV: 'production',
      DATA_DIR: `${environment.dataDir}/prod`,
    });
    try {
      expect((await fetch(`${production.url}/dev/mailbox`)).status).toBe(404);
    } finally {
      await production.close();
    }
  });
});
