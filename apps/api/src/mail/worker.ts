import type { Db } from '../infra/db/database.ts';
import { claimMail, findDueMails, markFailed, markSent } from './outbox.ts';
import type { MailTransport } from './transport.ts';

/** Due mails are looked for this often, besides right after one is queued on this node. */
const POLL_INTERVAL_MS = 1000;
/** A claim outlives any send attempt (see SMTP_TIMEOUT_MS); a node that dies mid-send frees its mails after it. */
const MAIL_CLAIM_MS = 2 * 60 * 1000;
/** Retries back off exponentially up to this; a mail is retried for as long as it takes. */
const MAX_RETRY_DELAY_MS = 15 * 60 * 1000;
const BATCH = 20;

export interface MailWorkerOptions {
  db: Db;
  transport: MailTransport;
  nodeId: string;
  retryBaseMs: number;
  onError(error: unknown, context: string): void;
}

export interface MailWorker {
  /** Look for due mails now rather than at the next poll. */
  kick(): void;
  stop(): Promise<void>;
}

/** The delay before retry number `attempts + 1`, with jitter so that nodes and mails spread out. */
export function retryDelay(attempts: number, baseMs: number, random = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** attempts, MAX_RETRY_DELAY_MS);
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

export function startMailWorker(options: MailWorkerOptions): MailWorker {
  const { db, transport, nodeId } = options;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function deliver(id: number): Promise<void> {
    const now = Date.now();
    const mail = await claimMail(db, id, nodeId, now, now + MAIL_CLAIM_MS);
    if (!mail) return; // another node has it
    try {
      await transport.send(mail);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await markFailed(db, id, nodeId, message, Date.now() + retryDelay(mail.attempts, options.retryBaseMs));
      return;
    }
    await markSent(db, id, nodeId, Date.now());
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      for (const id of await findDueMails(db, Date.now(), BATCH)) {
        if (stopped) return;
        await deliver(id);
      }
    } while (again && !stopped);
  }

  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error) => options.onError(error, 'mail queue'))
      .finally(() => {
        running = undefined;
      });
  };

  const timer = setInterval(run, POLL_INTERVAL_MS);
  run();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
