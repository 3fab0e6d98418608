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
    /** Set while the robot connects; aborted when leadership ends (or the node stops) meanwhile. */
    let starting: AbortController | undefined;
    let leadership: { stop(): Promise<void> } | undefined;

    const lead = () => {
      if (running || starting) return;
      const attempt = new AbortController();
      starting = attempt;
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
            signal: attempt.signal,
          }),
        )
        .then((started) => {
          if (attempt.signal.aborted) started.stop();
          else running = started;
        })
        .catch((error: unknown) => {
          if (!attempt.signal.aborted) app.log.error({ err: error }, 'the robot could not start');
        })
        .finally(() => {
          if (starting === attempt) starting = undefined;
        });
    };
    const resign = () => {
      starting?.abort();
      starting = undefined;
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
