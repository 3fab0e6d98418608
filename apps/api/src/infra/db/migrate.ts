import { migrations } from '@chat/migrations';
import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';

/**
 * Brings the schema up to date. Kysely's migrator holds a lock table (and GET_LOCK on MySQL)
 * while it runs, so two nodes starting at once apply each migration exactly once.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
