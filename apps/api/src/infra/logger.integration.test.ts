import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatUser } from '../../test/chat-users.ts';
import { freePort, spawnServer, waitUntilServing } from '../../test/process.ts';
import { ticketedSocket } from '../../test/raw-socket.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const dataDir = () => mkdtempSync(path.join(tmpdir(), 'chat-logs-'));

describe('logs', () => {
  it('are JSON lines when stdout is not a terminal', async () => {
    const server = spawnServer({ DATA_DIR: dataDir() }, await freePort());
    await waitUntilServing(server);
    server.child.kill('SIGTERM');
    await server.exited;
    const lines = server.output().trim().split('\n');
    expect(lines.some((line) => line.includes('Server listening'))).toBe(true);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  });

  it('are readable lines on a terminal', async () => {
    const port = await freePort();
    // `script` gives the server a pseudo-terminal as stdout, as a developer's shell would.
    const child = spawn('script', ['-qefc', `"${process.execPath}" --import tsx "${MAIN}"`, '/dev/null'], {
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir() },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitUntilServing({
        child,
        output: () => output,
        exited: exited as Promise<number>,
        url: `http://127.0.0.1:${port}`,
      });
      await expect.poll(() => output).toContain('Server listening');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const listening = output.split(/\r?\n/).find((line) => line.includes('Server listening')) ?? '';
    expect(listening).toContain('INFO');
    expect(listening.trimStart().startsWith('{')).toBe(false);
  });
});

describe('a WebSocket error in the logs', () => {
  const lines: string[] = [];
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;

  beforeAll(async () => {
    app = await buildApp(loadConfig({ DATA_DIR: dataDir(), HOST: '127.0.0.1', PORT: '0', TRUST_PROXY: '1' }), {
      logStream: { write: (line) => void lines.push(line) },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no TCP address');
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => app.close());

  it('names the user and the connection it happened on', async () => {
    const alice = await createChatUser(url);
    // A capability whose frame handler fails unexpectedly.
    app.gateway.handle('ping', () => {
      throw new Error('handler exploded');
    });
    const socket = await ticketedSocket(url, alice);
    socket.send({ type: 'ping', ref: 'r1' });
    expect(await socket.next('error')).toMatchObject({ code: 'internal_error', frame: 'ping' });
    socket.close();
    const entry = lines.map((line) => JSON.parse(line)).find((e) => e.msg === 'frame handler failed');
    expect(entry).toMatchObject({ userId: alice.me.id, err: { message: 'handler exploded' } });
    expect(entry.connectionId).toMatch(/^\w+:\d+$/);
  });
});
