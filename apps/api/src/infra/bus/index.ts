import type { Config } from '../../config/config.ts';
import type { Bus } from './bus.ts';
import { createMemoryBus } from './memory-bus.ts';
import { createRedisBus } from './redis-bus.ts';

export type { Bus, BusHandler } from './bus.ts';

/** Redis when configured (several nodes), in-process otherwise (the embedded default). */
export function openBus(
  config: Pick<Config, 'redisUrl' | 'redisPrefix'>,
  onHandlerError: (error: unknown) => void,
): Bus {
  if (!config.redisUrl) return createMemoryBus(onHandlerError);
  return createRedisBus({ url: config.redisUrl, prefix: config.redisPrefix, onHandlerError });
}
