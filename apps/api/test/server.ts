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

export interface TwoNodes {
  environment: TestEnvironment;
  /** Two API nodes on one database and Redis; on the embedded default, the same node twice. */
  nodeA: TestServer;
  nodeB: TestServer;
  /** Remembers a realtime client so that close() closes it. */
  track<C extends { close(): void }>(client: C): C;
  close(): Promise<void>;
}

/** The usual multi-node setup: a fresh backend, two nodes sharing it (one when embedded). */
export async function startTwoNodes(kind: BackendKind, env: Record<string, string> = {}): Promise<TwoNodes> {
  const environment = await createEnvironment(kind);
  const nodeEnv = { ...environment.backend.env, TRUST_PROXY: '1', ...env };
  const nodeA = await startServer(nodeEnv);
  const nodeB = kind === 'embedded' ? nodeA : await startServer(nodeEnv);
  const clients: Array<{ close(): void }> = [];
  return {
    environment,
    nodeA,
    nodeB,
    track(client) {
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await nodeA.close();
      if (nodeB !== nodeA) await nodeB.close();
      await environment.dispose();
    },
  };
}
