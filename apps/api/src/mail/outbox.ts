import type { Db } from '../infra/db/database.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Queues a mail. Call it with the transaction that creates the user or token the mail is about:
 * either both are committed or neither, so no mail is lost and none goes out for a rolled-back change.
 */
export async function enqueueMail(db: Db, mail: Mail, now: number): Promise<void> {
  await db
    .insertInto('mail_outbox')
    .values({
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      next_attempt_at: now,
      created_at: now,
    })
    .execute();
}

export interface OutboxMail extends Mail {
  id: number;
  attempts: number;
}

/** Mails due now that no live claim holds. */
export async function findDueMails(db: Db, now: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select('id')
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Claims one mail for this node until `until`. The conditional update succeeds for exactly one of
 * several nodes racing for the same row, which is what makes each mail go out once.
 */
export async function claimMail(
  db: Db,
  id: number,
  nodeId: string,
  now: number,
  until: number,
): Promise<OutboxMail | undefined> {
  const result = await db
    .updateTable('mail_outbox')
    .set({ claimed_by: nodeId, claimed_until: until })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  const row = await db
    .selectFrom('mail_outbox')
    .select(['id', 'to_address', 'subject', 'text_body', 'html_body', 'attempts'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    attempts: row.attempts,
  };
}

export async function markSent(db: Db, id: number, nodeId: string, now: number): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ sent_at: now, claimed_until: null, last_error: null })
    .where('id', '=', id)
    .where('claimed_by', '=', nodeId)
    .execute();
}

export async function markFailed(db: Db, id: number, nodeId: string, error: string, retryAt: number): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      next_attempt_at: retryAt,
      claimed_until: null,
      last_error: error.slice(0, 1000),
    }))
    .where('id', '=', id)
    .where('claimed_by', '=', nodeId)
    .execute();
}

/** The newest mails, to one address or to anyone, for the development mailbox. */
export function recentMails(db: Db, limit: number, to?: string) {
  let query = db
    .selectFrom('mail_outbox')
    .select(['id', 'to_address', 'subject', 'text_body', 'html_body', 'created_at', 'sent_at']);
  if (to) query = query.where('to_address', '=', to.trim().toLowerCase());
  return query.orderBy('id', 'desc').limit(limit).execute();
}

/** Mails not sent yet, waiting or retrying: a depth that keeps growing means the SMTP server is unreachable. */
export async function countPendingMails(db: Db): Promise<number> {
  const row = await db
    .selectFrom('mail_outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('pending'))
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  // MySQL counts arrive as strings.
  return Number(row?.pending ?? 0);
}
