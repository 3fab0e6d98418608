import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from '../../apps/api/test/process.ts';
import { PROFILE_FLAGS, pidListeningOn } from './metrics.ts';
import { MESSAGES_TABLE } from './peers/peer-store.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** BENCH_SERVER=path runs another build of the server (e.g. one kept from before a change) on the same run. */
const SERVER = process.env.BENCH_SERVER
  ? path.resolve(process.env.BENCH_SERVER)
  : path.join(ROOT, 'apps/api/dist/main.js');
const RELAY = path.join(import.meta.dirname, 'relay.ts');
const PEERS = {
  socketio: { script: 'peers/socketio-node.ts', name: 'Socket.IO 4 + redis-adapter + INSERT' },
  'ws-redis': { script: 'peers/ws-redis-node.ts', name: 'bare ws + Redis + INSERT' },
} as const;
export type PeerKind = keyof typeof PEERS;
export const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Target {
  name: string;
  /** HTTP origins of the nodes clients connect to. */
  urls: string[];
  /** The processes whose CPU counts as "server". */
  serverPids: Record<string, number>;
  /** Shared services whose CPU is reported alongside. */
  servicePids: Record<string, number>;
  /** Where a chat target keeps its data, for benchmarks that fill the database directly. */
  storage?: { databaseUrl: string | undefined; dataDir: string };
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${url} answered`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer in time`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 12_000).unref();
  });
}

/** The built server as `nodes` processes, on MariaDB + Redis (a database of its own) or embedded. */
export async function startChat(options: { nodes: number; backend: 'mysql+redis' | 'embedded' }): Promise<Target> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-bench-'));
  const database = `chat_bench_${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    BCRYPT_COST: '4',
    TRUST_PROXY: '1',
    BOT_MODE: 'off',
  };
  if (options.backend === 'mysql+redis') {
    const admin = await createConnection(MYSQL_URL);
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    Object.assign(env, { DATABASE_URL: `${MYSQL_URL}/${database}`, REDIS_URL, REDIS_PREFIX: `${database}:` });
  }
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  for (let i = 0; i < options.nodes; i++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--expose-gc', ...PROFILE_FLAGS, SERVER], {
      env: { ...env, PORT: String(port), PUBLIC_URL: url },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    await waitFor(`${url}/readyz`, child);
    urls.push(url);
  }
  const servicePids = options.backend === 'mysql+redis' ? sharedServicePids() : {};
  return {
    name: options.backend === 'embedded' ? 'chat, 1 node, embedded' : `chat, ${options.nodes} nodes, MariaDB+Redis`,
    urls,
    serverPids: Object.fromEntries(children.map((child, i) => [`node${i + 1}`, child.pid ?? 0])),
    servicePids,
    storage: { databaseUrl: env.DATABASE_URL, dataDir },
    async stop() {
      await Promise.all(children.map(stopProcess));
      if (options.backend === 'mysql+redis') {
        const admin = await createConnection(MYSQL_URL);
        await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
        await admin.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * MariaDB's and Redis's processes, whose CPU is reported beside the servers': the ones listening on
 * the ports the bench uses, so that another `mariadbd` on the machine (a test's own) is not measured;
 * the first one of that name when the listener cannot be seen.
 */
function sharedServicePids(): Record<string, number> {
  const pids: Record<string, number> = {};
  for (const [name, url, defaultPort, program] of [
    ['redis', REDIS_URL, 6379, 'redis-server'],
    ['mariadb', MYSQL_URL, 3306, 'mariadbd'],
  ] as const) {
    const pid = pidListeningOn(Number(new URL(url).port) || defaultPort) ?? pidOf(program);
    if (pid) pids[name] = pid;
  }
  return pids;
}

function pidOf(program: string): number | undefined {
  try {
    return Number(execFileSync('pidof', ['-s', program], { encoding: 'utf8' }).trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** Runs a bench script as its own process; resolves once it says it is listening. */
async function spawnListening(script: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => String(chunk).includes('listening') && resolve());
    child.once('exit', () => reject(new Error(`${path.basename(script)} exited`)));
  });
  return child;
}

/**
 * A peer built the way people build this without us: `nodes` processes sharing Redis and a
 * database of their own on the same MariaDB, each INSERTing a message before acking it.
 */
export async function startPeer(kind: PeerKind, nodes = 2): Promise<Target> {
  const database = `chat_bench_peer_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection(MYSQL_URL);
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.query(`USE \`${database}\``);
  await admin.query(MESSAGES_TABLE);
  await admin.end();
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const port = await freePort();
    const script = path.join(import.meta.dirname, PEERS[kind].script);
    children.push(await spawnListening(script, [String(port), `${MYSQL_URL}/${database}`, REDIS_URL, `${database}:`]));
    urls.push(`http://127.0.0.1:${port}`);
  }
  return {
    name: PEERS[kind].name,
    urls,
    serverPids: Object.fromEntries(children.map((child, i) => [`node${i + 1}`, child.pid ?? 0])),
    servicePids: sharedServicePids(),
    async stop() {
      await Promise.all(children.map(stopProcess));
      const admin = await createConnection(MYSQL_URL);
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
    },
  };
}

export async function startRelay(): Promise<Target> {
  const port = await freePort();
  const child = await spawnListening(RELAY, [String(port)]);
  return {
    name: 'bare ws relay',
    urls: [`http://127.0.0.1:${port}`],
    serverPids: { relay: child.pid ?? 0 },
    servicePids: {},
    stop: () => stopProcess(child),
  };
}
