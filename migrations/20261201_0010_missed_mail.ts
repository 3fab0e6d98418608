import type { Kysely } from 'kysely';
import { dropIndex } from './portable.ts';

/**
 * Email for missed messages: the user's setting (on by default), per member the newest seq already
 * mailed about and when (so a conversation is mailed at most once per window, and the conditional
 * update on them decides once across nodes), extra headers on queued mails (List-Unsubscribe), and
 * an index so the periodic sweep reads only recently active conversations.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('missed_mail', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('conversation_members')
    .addColumn('missed_mail_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('conversation_members').addColumn('missed_mail_at', 'bigint').execute();
  await db.schema.alterTable('mail_outbox').addColumn('headers', 'text').execute();
  await db.schema.createIndex('conversations_updated_at').on('conversations').column('updated_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await dropIndex(db, 'conversations_updated_at', 'conversations');
  await db.schema.alterTable('mail_outbox').dropColumn('headers').execute();
  await db.schema.alterTable('conversation_members').dropColumn('missed_mail_at').execute();
  await db.schema.alterTable('conversation_members').dropColumn('missed_mail_seq').execute();
  await db.schema.alterTable('users').dropColumn('missed_mail').execute();
}
