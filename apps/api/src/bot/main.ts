import { WebSocket } from 'ws';
import { ConfigError, loadConfig } from '../config/config.ts';
import { openDatabase } from '../infra/db/database.ts';
import { responderFor } from './responders.ts';
import { startRobot } from './robot.ts';
import { mintRobotSession } from './robot-session.ts';

/**
 * `pnpm bot`: the robot as its own process, against any node or the load balancer (BOT_SERVER_URL,
 * default PUBLIC_URL). Run the API nodes with BOT_MODE=off then. It reads the database once, to
 * take a session for the robot's account; everything else goes through the public protocol.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = openDatabase(config);
  const token = await mintRobotSession(database.db).finally(() => database.close());
  const baseUrl = config.bot.serverUrl ?? config.publicUrl.origin;
  const robot = await startRobot({
    baseUrl,
    token,
    responder: responderFor(config.bot),
    WebSocket: WebSocket as never,
    log: { warn: (details, message) => console.warn(message, details) },
  });
  console.log(`robot connected to ${baseUrl}`);
  const stop = () => {
    robot.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Invalid configuration: ${error.message}` : error);
  process.exit(1);
});
