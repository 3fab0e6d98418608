import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { type Bus, openBus } from './bus/index.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limit/rate-limiter.ts';
import { connectRedis } from './redis.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: DatabaseHandle;
    bus: Bus;
    /** Commands to the shared Redis (rate limits, presence); undefined on the embedded default. */
    redis: Redis | undefined;
    rateLimiter: RateLimiter;
  }
}

/**
 * Opens the database (migrated to the latest schema), the bus and the shared state (Redis when
 * configured, this process otherwise), and closes them last on shutdown.
 */
export const infrastructure = fp<{ config: Config }>(
  async (app, { config }) => {
    app.decorate('config', config);
    const database = openDatabase(config);
    app.decorate('database', database);
    await migrateToLatest(database.db);
    const bus = openBus(config, (error) => app.log.error({ err: error }, 'bus handler failed'));
    app.decorate('bus', bus);
    const redis = config.redisUrl ? connectRedis(config.redisUrl, 'commands') : undefined;
    redis?.on('error', (error) => app.log.warn({ err: error }, 'redis connection error'));
    app.decorate('redis', redis);
    app.decorate('rateLimiter', redis ? createRedisRateLimiter(redis, config.redisPrefix) : createMemoryRateLimiter());
    app.addHook('onClose', async () => {
      await app.rateLimiter.close();
      await Promise.allSettled([bus.close(), redis?.quit()]);
      await database.close();
    });
  },
  { name: 'infrastructure' },
);
