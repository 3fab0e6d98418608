import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, WEB_DIST } from '../../test/built.ts';
import { startServer, type TestServer } from '../../test/server.ts';
import { OPENAPI_PATH } from '../http/openapi.ts';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as they crossed the wire, still encoded. */
  body: Buffer;
}

/** fetch() decodes bodies by itself; this shows what the server actually sent. */
function rawGet(url: string, acceptEncoding?: string): Promise<RawResponse> {
  const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

describe('serving the web client and compressing answers', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-static-'));
  let server: TestServer;
  let script: string;
  let original: Buffer;

  beforeAll(async () => {
    ensureBuilt();
    server = await startServer({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEB_DIR: WEB_DIST });
    const name = readdirSync(path.join(WEB_DIST, 'assets')).find((f) => f.endsWith('.js'));
    script = `/assets/${name}`;
    original = readFileSync(path.join(WEB_DIST, script));
  });

  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the brotli copy of a script to a browser that accepts it, cached for good', async () => {
    const response = await rawGet(server.url + script, 'gzip, deflate, br');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body.length).toBeLessThan(original.length / 2);
    expect(brotliDecompressSync(response.body).equals(original)).toBe(true);
  });

  it('sends the gzip copy when brotli is not accepted, and the file itself when nothing is', async () => {
    const gzipped = await rawGet(server.url + script, 'gzip');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body).equals(original)).toBe(true);

    const plain = await rawGet(server.url + script);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  it('never lets the browser keep the page itself', async () => {
    for (const page of ['/', '/verify']) {
      const response = await rawGet(server.url + page, 'br');
      expect(response.status, page).toBe(200);
      expect(response.headers['cache-control'], page).toBe('no-cache');
    }
  });

  it('does not publish source maps', async () => {
    expect((await rawGet(`${server.url}${script}.map`)).status).toBe(404);
  });

  it('compresses API answers over the threshold', async () => {
    const response = await rawGet(server.url + OPENAPI_PATH, 'br');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(brotliDecompressSync(response.body).toString())).toHaveProperty('openapi');
  });

  it('sends small API answers as they are', async () => {
    const response = await rawGet(`${server.url}/healthz`, 'br');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(response.body.toString())).toEqual({ status: 'ok' });
  });
});
