import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config/config.ts';

/** Long enough to finish in-flight requests and flush sockets, short enough for an orchestrator's grace period. */
const SHUTDOWN_DEADLINE_MS = 10_000;
/**
 * Connections the kernel holds for us until the event loop accepts them (capped by
 * net.core.somaxconn). Node's default of 511 overflows when a load balancer hands a node thousands
 * of reconnects at once: the kernel then drops the handshakes, and clients wait out TCP's
 * retransmission timer (1, 3, 7, 15, 31 s...) before they are even seen. In the reconnect storm
 * (5,000 clients per node) that timer, not work, made most of the 40 s.
 */
const LISTEN_BACKLOG = 8192;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Invalid configuration: ${error.message}`);
    process.exit(1);
  }

  const app = await buildApp(config);
  await app.listen({ host: config.host, port: config.port, backlog: LISTEN_BACKLOG });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
