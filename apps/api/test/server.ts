import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';
import { type BackendKind, createBackend, type TestBackend } from './backends.ts';

export interface TestServer {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  url: string;
  close(): Promise<void>;
}

/** A real server, listening on a free port, in this process. */
export async function startServer(env: Record<string, string>): Promise<TestServer> {
  const app = await buildApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', ...env }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  return { app, url, close: () => app.close() };
}

export interface TestEnvironment {
  backend: TestBackend;
  dataDir: string;
  dispose(): Promise<void>;
}

/** A backend plus a temporary data dir, both removed by dispose(). */
export async function createEnvironment(kind: BackendKind): Promise<TestEnvironment> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-test-'));
  const backend = await createBackend(kind, dataDir);
  return {
    backend,
    dataDir,
    async dispose() {
      await backend.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
