import { ConfigError, loadConfig } from './config/config.ts';
import { openDatabase } from './infra/db/database.ts';
import { migrateToLatest } from './infra/db/migrate.ts';

/** `pnpm db:migrate`: the same migrations the server runs at start-up, for deploy pipelines. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = openDatabase(config);
  try {
    const { results = [] } = await migrateToLatest(database.db);
    for (const result of results) console.log(`${result.status}: ${result.migrationName}`);
    if (results.length === 0) console.log('Already up to date.');
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Invalid configuration: ${error.message}` : error);
  process.exit(1);
});
