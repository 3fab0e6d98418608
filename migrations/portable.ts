import { type Kysely, SqliteAdapter } from 'kysely';

/**
 * Drops an index on either dialect: MySQL names the table (`DROP INDEX i ON t`), SQLite refuses
 * that form, its index names being global to the database.
 */
export async function dropIndex(db: Kysely<any>, index: string, table: string): Promise<void> {
  const drop = db.schema.dropIndex(index);
  await (db.getExecutor().adapter instanceof SqliteAdapter ? drop : drop.on(table)).execute();
}
