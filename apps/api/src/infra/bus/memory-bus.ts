import type { Bus, BusHandler, RoutedHandler } from './bus.ts';
import { HandlerRegistry } from './bus.ts';

/** The embedded default: one process, so publishing is a function call (deferred, as a network hop would be). */
export function createMemoryBus(onHandlerError: (error: unknown) => void): Bus {
  const registry = new HandlerRegistry();
  const routed: Array<{ prefix: string; handler: RoutedHandler }> = [];
  return {
    reachesOtherNodes: false,
    async publish(channel, payload) {
      // Handlers never run inside the publisher's stack, so ordering bugs show up here as with Redis.
      queueMicrotask(() => registry.dispatch(channel, structuredClone(payload), onHandlerError));
    },
    async subscribe(channel: string, handler: BusHandler) {
      registry.add(channel, handler);
    },
    async unsubscribe(channel: string, handler: BusHandler) {
      registry.remove(channel, handler);
    },
    onRouted(prefix, handler) {
      routed.push({ prefix, handler });
    },
    // One process holds every connection: joining routes nothing anywhere else.
    async join() {},
    async leave() {},
    async publishRouted(messages) {
      queueMicrotask(() => {
        for (const { channel, message } of messages)
          for (const route of routed) if (channel.startsWith(route.prefix)) route.handler(channel, message);
      });
    },
    onReconnect() {
      // An in-process bus never disconnects.
    },
    isHealthy: () => true,
    async close() {},
  };
}
