import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrations } from '@chat/migrations';
import { type Kysely, Migrator, NO_MIGRATIONS } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase } from '../../../test/backends.ts';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';

/**
 * table → sorted column names, without Kysely's own bookkeeping tables nor SQLite's FTS5 index of
 * message search and its shadow tables (MySQL keeps its FULLTEXT index inside the table).
 */
async function shape<DB>(db: Kysely<DB>): Promise<Record<string, string[]>> {
  const tables = await db.introspection.getTables();
  return Object.fromEntries(
    tables
      .filter((table) => !table.name.startsWith('kysely_') && !table.name.startsWith('message_search_fts'))
      .map((table) => [table.name, table.columns.map((column) => column.name).sort()])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

describe('migrations', () => {
  let mysql: DatabaseHandle;
  let sqlite: DatabaseHandle;
  let dropMysql: () => Promise<void>;
  let dataDir: string;
  let mysqlUrl: string;

  beforeAll(async () => {
    const database = await createMysqlDatabase();
    dropMysql = database.drop;
    mysqlUrl = database.url;
    mysql = openDatabase({ databaseUrl: mysqlUrl, dataDir: '' });
    dataDir = mkdtempSync(path.join(tmpdir(), 'chat-migrate-'));
    sqlite = openDatabase({ databaseUrl: undefined, dataDir });
  });

  afterAll(async () => {
    await Promise.all([mysql.close(), sqlite.close()]);
    await dropMysql();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('apply on MySQL from two nodes at once, each migration exactly once', async () => {
    const otherNode = openDatabase({ databaseUrl: mysqlUrl, dataDir: '' });
    try {
      const [a, b] = await Promise.all([migrateToLatest(mysql.db), migrateToLatest(otherNode.db)]);
      const applied = [...(a.results ?? []), ...(b.results ?? [])].filter((r) => r.status === 'Success');
      expect(applied.map((r) => r.migrationName).sort()).toEqual(Object.keys(migrations).sort());
    } finally {
      await otherNode.close();
    }
  });

  it('build the same tables and columns on MySQL and SQLite', async () => {
    await migrateToLatest(sqlite.db);
    const mysqlShape = await shape(mysql.db);
    expect(Object.keys(mysqlShape)).toContain('users');
    expect(await shape(sqlite.db)).toEqual(mysqlShape);
  });

  it('are a no-op when the schema is current', async () => {
    expect((await migrateToLatest(sqlite.db)).results).toEqual([]);
  });

  it('roll all the way back and forward again on both backends, to the same tables', async () => {
    const current = await shape(mysql.db);
    for (const { db } of [mysql, sqlite]) {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const back = await migrator.migrateTo(NO_MIGRATIONS);
      expect(back.error).toBeUndefined();
      expect(await shape(db)).toEqual({});
      await migrateToLatest(db);
      expect(await shape(db)).toEqual(current);
    }
  });
});
