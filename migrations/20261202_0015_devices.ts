import type { Kysely } from 'kysely';

/**
 * Devices and leaving. Each session remembers what signed in (a browser with its cookie, or a client
 * holding a bearer token), its User-Agent and address as last seen, and when it was last active, so
 * that its owner can tell their devices apart and sign one out. A deleted account keeps its row
 * (messages point at it) with `deleted_at` set and everything personal erased; its username is kept
 * in `retired_usernames`, apart from the row, so nobody can take it and pass for the person who left.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('kind', 'varchar(16)', (c) => c.notNull().defaultTo('browser'))
    .execute();
  await db.schema.alterTable('sessions').addColumn('user_agent', 'varchar(512)').execute();
  await db.schema.alterTable('sessions').addColumn('ip', 'varchar(45)').execute();
  await db.schema.alterTable('sessions').addColumn('last_active_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
  await db.schema
    .createTable('retired_usernames')
    .addColumn('username', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('retired_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('retired_usernames').execute();
  await db.schema.alterTable('users').dropColumn('deleted_at').execute();
  for (const column of ['last_active_at', 'ip', 'user_agent', 'kind']) {
    await db.schema.alterTable('sessions').dropColumn(column).execute();
  }
}
