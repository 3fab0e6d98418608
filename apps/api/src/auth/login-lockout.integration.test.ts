import type { ErrorBody, UserResponse } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind, uniqueName } from '../../test/backends.ts';
import { TestAgent } from '../../test/http.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';
import { DEVICE_COOKIE } from './device-cookie.ts';
import { AUTH_LIMITS } from './rate-limits.ts';

const PUBLIC_URL = 'http://chat.test';
const PASSWORD = 'correct horse battery';
const ACCOUNT_LIMIT = AUTH_LIMITS.loginPerAccount.limit;

describe.each(BACKENDS)('login lock-out on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let server: TestServer;
  /** A browser of its own, from an address of its own. */
  const browser = (ip?: string) => new TestAgent(server.url, PUBLIC_URL, ip);

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    server = await startServer({ ...environment.backend.env, PUBLIC_URL, TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await server.close();
    await environment.dispose();
  });

  /** An account whose owner signed up, and so signed in, on `laptop`, then signed out there. */
  async function owner() {
    const username = uniqueName('o').slice(0, 32).toLowerCase();
    const email = `${username}@example.com`;
    const laptop = browser();
    expect((await laptop.post<UserResponse>('/api/auth/signup', { username, email, password: PASSWORD })).status).toBe(
      201,
    );
    expect((await laptop.post('/api/auth/logout')).status).toBe(204);
    expect(laptop.cookie(DEVICE_COOKIE)).toBeDefined();
    return { username, email, laptop };
  }

  /** Wrong passwords, each from a fresh browser and address, alternating the username and the email. */
  async function guess(times: number, username: string, email: string, from = () => browser()) {
    const statuses: number[] = [];
    for (let i = 0; i < times; i++) {
      const login = i % 2 === 0 ? username : email.toUpperCase();
      statuses.push((await from().post('/api/auth/login', { login, password: `wrong guess ${i}` })).status);
    }
    return statuses;
  }

  it("an attacker's guesses by username and by email count as one account's, and stop at its limit", async () => {
    const { username, email } = await owner();
    const statuses = await guess(ACCOUNT_LIMIT + 4, username, email);
    expect(statuses).toEqual([...Array(ACCOUNT_LIMIT).fill(401), 429, 429, 429, 429]);
  });

  it('the locked-out owner still signs in where they signed in before, and waits anywhere else', async () => {
    const { username, email, laptop } = await owner();
    await guess(ACCOUNT_LIMIT, username, email);

    const elsewhere = await browser().post<ErrorBody>('/api/auth/login', { login: username, password: PASSWORD });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([429, 'rate_limited']);
    expect(Number(elsewhere.headers.get('retry-after'))).toBeGreaterThan(0);

    const home = await laptop.post<UserResponse>('/api/auth/login', { login: email, password: PASSWORD });
    expect(home.status).toBe(200);
    expect((await laptop.get<UserResponse>('/api/auth/me')).body.user.username).toBe(username);
    // A typo at home is counted at home, not against the locked account.
    expect((await laptop.post('/api/auth/login', { login: username, password: 'typo' })).status).toBe(401);
  });

  it("another account's device cookie, or a forged one, does not get an attacker past the lock", async () => {
    const { username, email } = await owner();
    const { laptop: attackersOwnBrowser } = await owner();
    const statuses = await guess(ACCOUNT_LIMIT + 1, username, email, () => attackersOwnBrowser);
    expect(statuses.at(-1)).toBe(429);

    const forged = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: PUBLIC_URL,
        'x-forwarded-for': '198.51.100.200',
        cookie: `${DEVICE_COOKIE}=${encodeURIComponent(`1.made-up-device.${'A'.repeat(43)}`)}`,
      },
      body: JSON.stringify({ login: username, password: 'one more guess' }),
    });
    expect(forged.status).toBe(429);
  });

  it('one address guessing across many accounts stops at the per-address limit', async () => {
    const ip = '192.0.2.91';
    const { username } = await owner();
    const { limit } = AUTH_LIMITS.loginPerIp;
    for (let i = 0; i < limit; i++) {
      const response = await browser(ip).post('/api/auth/login', { login: `${username}-${i}`, password: 'guess' });
      expect(response.status).toBe(401);
    }
    const refused = await browser(ip).post<ErrorBody>('/api/auth/login', { login: username, password: PASSWORD });
    expect([refused.status, refused.body.error.code]).toEqual([429, 'rate_limited']);
    expect((await browser().post('/api/auth/login', { login: username, password: PASSWORD })).status).toBe(200);
  });
});
