import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, spawnServer, waitUntilServing } from '../test/process.ts';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'chat-lifecycle-'));

describe('process lifecycle', () => {
  it('a bad environment value stops start-up with a message naming the variable', async () => {
    const server = spawnServer({ DATA_DIR: dataDir(), REDIS_URL: 'localhost:6379' }, await freePort());
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('Invalid configuration: REDIS_URL must start with redis:// or rediss://');
  });

  it('SIGTERM on the embedded default stops serving and exits 0', async () => {
    const server = spawnServer({ DATA_DIR: dataDir(), LOG_LEVEL: 'silent' }, await freePort());
    await waitUntilServing(server);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
