import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatUser } from '../../test/chat-users.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';

/** A stand-in for the built client: the headers are the server's, whatever the shell holds. */
function webDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-web-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Chat</title>');
  return dir;
}

const directives = (policy: string | null) =>
  new Map(
    (policy ?? '').split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

describe('security headers', () => {
  let environment: TestEnvironment;
  let http: TestServer;
  let https: TestServer;

  beforeAll(async () => {
    environment = await createEnvironment('embedded');
    const env = { ...environment.backend.env, TRUST_PROXY: '1', WEB_DIR: webDir() };
    http = await startServer({ ...env, PUBLIC_URL: 'http://chat.test' });
    https = await startServer({
      ...env,
      PUBLIC_URL: 'https://chat.example.com',
      DATA_DIR: path.join(environment.dataDir, 'https'),
    });
  });
  afterAll(async () => {
    await http.close();
    await https.close();
    await environment.dispose();
  });

  it('the web client may run only its own scripts, and may not be framed', async () => {
    const page = await fetch(`${http.url}/verify?token=x`);
    expect(page.status).toBe(200);
    const csp = directives(page.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'blob:', 'data:']);
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://chat.test']);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // A reset page's URL holds its token: no Referer may carry it away.
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('strict-transport-security')).toBeNull();
  });

  it('the API answers with them too, errors included', async () => {
    const response = await fetch(`${http.url}/api/auth/me`);
    expect(response.status).toBe(401);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(directives(response.headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('over https: HSTS, and the socket at wss://', async () => {
    const page = await fetch(`${https.url}/`);
    expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(directives(page.headers.get('content-security-policy')).get('connect-src')).toEqual([
      "'self'",
      'wss://chat.example.com',
    ]);
  });

  it('a picture keeps its own, stricter policy', async () => {
    const alice = await createChatUser(http.url);
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const { attachment } = await alice.api.upload(new Blob([png]), 'picture');
    const picture = await fetch(`${http.url}/api/uploads/${attachment.id}`, {
      headers: { authorization: `Bearer ${alice.api.token}` },
    });
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(picture.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
