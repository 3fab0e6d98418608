import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { UNSUBSCRIBE_PATH, unsubscribeRoutes } from './routes.ts';
import { sweepMissedMail } from './sweep.ts';
import { unsubscribeToken } from './unsubscribe-token.ts';

/**
 * A quarter of the delay: a mail goes out at most a quarter late. Bounded below so a tiny test delay
 * does not spin, above so the default (10 min) still answers within half a minute.
 */
const sweepIntervalOf = (afterMs: number) => Math.min(Math.max(Math.floor(afterMs / 4), 200), 30_000);

/** The web client's route of one conversation (apps/web App.tsx). */
const CONVERSATION_PATH = '/c/';

/**
 * Email for missed messages. Every node sweeps; the claim on each member's row decides once, and
 * the mail outbox sends once and survives restarts. Above presence: it asks the presence store,
 * through PublicUsers, who is online on any node.
 */
export const missedMail = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    const origin = config.publicUrl.origin;
    const deps = {
      db: app.database.db,
      afterMs: config.missedMail.afterMs,
      windowMs: config.missedMail.windowMs,
      onlineOf: (userIds: readonly number[]) => app.publicUsers.onlineOf(userIds),
      conversationLink: (conversationId: number) => `${origin}${CONVERSATION_PATH}${conversationId}`,
      unsubscribeUrl: (userId: number) =>
        `${origin}/api${UNSUBSCRIBE_PATH}?token=${unsubscribeToken(config.sessionSecret, userId)}`,
    };
    await app.register(unsubscribeRoutes, { prefix: '/api', secret: config.sessionSecret });

    let sweeping = false;
    async function sweep(): Promise<void> {
      if (await sweepMissedMail(deps, Date.now())) app.mailQueued();
    }
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        sweep()
          .catch((error: unknown) => app.log.warn({ err: error }, 'missed-mail sweep failed'))
          .finally(() => {
            sweeping = false;
          });
      }, sweepIntervalOf(config.missedMail.afterMs));
    });
    app.addHook('preClose', async () => clearInterval(timer));
  },
  { name: 'missed-mail', dependencies: ['mail', 'users', 'presence'] },
);
