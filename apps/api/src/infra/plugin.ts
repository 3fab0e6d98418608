import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import { type Bus, openBus } from './bus/index.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: DatabaseHandle;
    bus: Bus;
  }
}

/** Opens the database (migrated to the latest schema) and the bus, and closes them last on shutdown. */
export const infrastructure = fp<{ config: Config }>(
  async (app, { config }) => {
    app.decorate('config', config);
    const database = openDatabase(config);
    app.decorate('database', database);
    await migrateToLatest(database.db);
    const bus = openBus(config, (error) => app.log.error({ err: error }, 'bus handler failed'));
    app.decorate('bus', bus);
    app.addHook('onClose', async () => {
      await bus.close();
      await database.close();
    });
  },
  { name: 'infrastructure' },
);
