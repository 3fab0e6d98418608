import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../http/errors.ts';
import { isLoopbackPeer } from './loopback.ts';
import { recentMails } from './outbox.ts';
import { logTransport, smtpTransport } from './transport.ts';
import { type MailWorker, startMailWorker } from './worker.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Wakes this node's mail worker after a mail was queued, so it goes out without waiting for the next poll. */
    mailQueued(): void;
  }
}

/** What /dev/mailbox shows: enough for a developer (or an end-to-end test) to follow a link. */
const MAILBOX_SIZE = 50;

/**
 * The mailbox holds every verification and password-reset link, and the default start listens on
 * every interface: anyone else who can reach the port could take over any account. So only the
 * person at this machine may read it.
 */
const MAILBOX_LOCAL_ONLY =
  'The development mailbox holds every sign-in link, so it can only be read from this machine (localhost). Set SMTP_URL to send mails instead.';

/** The mail queue's worker on this node, and the development mailbox. */
export const mail = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    const transport = config.smtpUrl
      ? smtpTransport(config.smtpUrl, config.mailFrom)
      : logTransport((line, message) => app.log.info(line, message));
    let worker: MailWorker | undefined;
    app.decorate('mailQueued', () => worker?.kick());
    app.addHook('onReady', async () => {
      worker = startMailWorker({
        db: app.database.db,
        transport,
        nodeId: randomUUID(),
        retryBaseMs: config.mailRetryBaseMs,
        onError: (error, context) => app.log.error({ err: error }, `${context} failed`),
      });
    });
    // Before the database closes: the worker finishes the mail in hand and stops.
    app.addHook('preClose', async () => {
      await worker?.stop();
    });

    if (config.production || config.smtpUrl) return;
    app.addHook('onReady', async () => {
      app.log.info('no SMTP_URL: mails are not sent; read them at /dev/mailbox from this machine only');
    });
    app.get<{ Querystring: { to?: string } }>('/dev/mailbox', async (request) => {
      if (!isLoopbackPeer(request.socket.remoteAddress)) throw new AppError(403, 'forbidden', MAILBOX_LOCAL_ONLY);
      return (await recentMails(app.database.db, MAILBOX_SIZE, request.query.to)).map((row) => ({
        id: row.id,
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
        createdAt: row.created_at,
        sentAt: row.sent_at,
      }));
    });
  },
  { name: 'mail', dependencies: ['infrastructure'] },
);
