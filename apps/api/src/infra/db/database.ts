import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, MysqlDialect, SqliteDialect, type SqliteDialectConfig, sql } from 'kysely';
import { createPool, type Pool } from 'mysql2';
import {
  mysqlPipelinedTransaction,
  type PipelinedTransaction,
  sqlitePipelinedTransaction,
} from './pipelined-transaction.ts';
import type { Database } from './schema.ts';

export type DialectName = 'mysql' | 'sqlite';
export type Db = Kysely<Database>;

/** How busy the connection pool is, for the metrics. */
export interface PoolUse {
  inUse: number;
  idle: number;
  /** Queries waiting for a connection: above zero for long, the pool is too small for the load. */
  waiting: number;
}

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  /** A transaction whose statements travel a group per round trip: the send path's. */
  pipelined: PipelinedTransaction;
  /** undefined on SQLite, which has one connection and no pool. */
  poolUse(): PoolUse | undefined;
  close(): Promise<void>;
}

/** Connections per node: enough for a burst of concurrent requests, small enough for many nodes on one MySQL. */
const MYSQL_POOL_SIZE = 10;
/**
 * Connections per node for pipelined transactions: the send path commits one batch at a time, and
 * a second lets one start while the last one's connection is still being handed back.
 */
const MYSQL_PIPELINE_POOL_SIZE = 2;
/** A lock held by another writer is waited for this long before SQLite answers SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;
export const SQLITE_FILE = 'chat.sqlite';

export function openDatabase(options: { databaseUrl: string | undefined; dataDir: string }): DatabaseHandle {
  if (!options.databaseUrl) {
    const db = openSqlite(options.dataDir);
    return {
      db,
      dialect: 'sqlite',
      pipelined: sqlitePipelinedTransaction(db),
      poolUse: () => undefined,
      close: () => db.destroy(),
    };
  }
  const pool = openMysqlPool(options.databaseUrl, { connectionLimit: MYSQL_POOL_SIZE });
  // Its own connections: multi-statement queries are allowed on them, and on no others.
  const pipelinePool = openMysqlPool(options.databaseUrl, {
    connectionLimit: MYSQL_PIPELINE_POOL_SIZE,
    multipleStatements: true,
  });
  const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
  return {
    db,
    dialect: 'mysql',
    pipelined: mysqlPipelinedTransaction(pipelinePool),
    poolUse: () => poolUse(pool),
    async close() {
      await db.destroy();
      await new Promise<void>((resolve) => pipelinePool.end(() => resolve()));
    },
  };
}

/** mysql2 keeps its counts in fields it does not declare; read here only, for the metrics. */
interface PoolQueues {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

function poolUse(pool: Pool): PoolUse {
  const queues = pool as unknown as PoolQueues;
  const idle = queues._freeConnections.length;
  return { inUse: queues._allConnections.length - idle, idle, waiting: queues._connectionQueue.length };
}

function openMysqlPool(databaseUrl: string, options: { connectionLimit: number; multipleStatements?: boolean }): Pool {
  return createPool({
    ...options,
    uri: databaseUrl.replace(/^mariadb:/, 'mysql:'),
    charset: 'utf8mb4',
    timezone: 'Z',
    // A database that does not answer must surface as an error, not a hung request.
    connectTimeout: 5000,
  });
}

function openSqlite(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const file = new SQLite(path.join(dataDir, SQLITE_FILE));
  // WAL lets readers run beside the single writer; NORMAL sync is durable across process crashes.
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  file.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(file) }) });
}

/** Statements kept prepared; batches of different sizes make some SQL texts rare, so the cache is bounded. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew, and with better-sqlite3 preparing costs more than running a
 * small query. The same SQL text gets the same prepared statement (they are reusable: the driver
 * is synchronous), dropping the oldest when the cache is full.
 */
function withStatementCache(file: SQLite.Database): SqliteDialectConfig['database'] {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => file.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        // Map order is insertion order: re-inserting marks it as recently used.
        cache.delete(sql);
      } else {
        statement = file.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/** A cheap round trip, for readiness probes. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
