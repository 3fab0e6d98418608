import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/** The shared services .ci/run makes sure are up; tests only ever create and drop their own databases in them. */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type BackendKind = 'mysql+redis' | 'embedded';
/** Every integration suite that says "and on the embedded default" runs once per entry. */
export const BACKENDS: readonly BackendKind[] = ['mysql+redis', 'embedded'];

export interface TestBackend {
  kind: BackendKind;
  /** Environment for loadConfig(): a fresh database, a private Redis namespace, a private data dir. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export const uniqueName = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** A database of its own on the shared MariaDB, dropped by dispose(). */
export async function createMysqlDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = uniqueName('chat_test');
  const admin = await createConnection(TEST_MYSQL_URL);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    name,
    url: `${TEST_MYSQL_URL.replace(/\/$/, '')}/${name}`,
    async drop() {
      const connection = await createConnection(TEST_MYSQL_URL);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

export async function createBackend(kind: BackendKind, dataDir: string): Promise<TestBackend> {
  const base = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
    SESSION_SECRET: randomBytes(32).toString('hex'),
  };
  if (kind === 'embedded') return { kind, env: base, dispose: async () => {} };
  const database = await createMysqlDatabase();
  return {
    kind,
    env: { ...base, DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `${database.name}:` },
    dispose: database.drop,
  };
}
