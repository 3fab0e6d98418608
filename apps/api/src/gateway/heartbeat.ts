import type { ConnectionRegistry } from './registry.ts';

/**
 * Pings every connection each interval and drops those that did not answer the previous ping nor
 * send anything since: a dead network path never closes a socket by itself.
 */
export function startHeartbeat(registry: ConnectionRegistry, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const connection of registry.all()) {
      if (!connection.alive) {
        connection.terminate();
        continue;
      }
      connection.alive = false;
      connection.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
