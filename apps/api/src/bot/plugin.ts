import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { WebSocket } from 'ws';
import { holdLeadership } from './leadership.ts';
import { responderFor } from './responders.ts';
import { type Robot, startRobot } from './robot.ts';
import { mintRobotSession } from './robot-session.ts';

/**
 * The robot inside the server process (BOT_MODE=in-process, the default). It connects to this node
 * over loopback like any client; with several nodes, only the one holding the lease runs it.
 */
export const robot = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    if (config.bot.mode !== 'in-process') return;
    let running: Robot | undefined;
    let starting = false;
    let leading = false;
    let leadership: { stop(): Promise<void> } | undefined;

    const lead = () => {
      leading = true;
      if (running || starting) return;
      starting = true;
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      mintRobotSession(app.database.db)
        .then((token) =>
          startRobot({
            baseUrl: `http://127.0.0.1:${port}`,
            token,
            responder: responderFor(config.bot),
            WebSocket: WebSocket as never,
            log: app.log,
          }),
        )
        .then((started) => {
          // Leadership may have ended (or the node begun to stop) while the robot was connecting.
          if (leading) running = started;
          else started.stop();
        })
        .catch((error: unknown) => app.log.error({ err: error }, 'the robot could not start'))
        .finally(() => {
          starting = false;
        });
    };
    const resign = () => {
      leading = false;
      running?.stop();
      running = undefined;
    };

    app.addHook('onListen', async () => {
      leadership = holdLeadership(app.redis, `${config.redisPrefix}robot:leader`, randomUUID(), {
        lead,
        resign,
        onError: (error) => app.log.warn({ err: error }, 'robot leadership check failed'),
      });
    });
    app.addHook('preClose', async () => {
      await leadership?.stop();
    });
  },
  { name: 'robot', dependencies: ['gateway'] },
);
