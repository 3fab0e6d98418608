import type { Kysely } from 'kysely';

/**
 * Muting a conversation: per member, since a mute is one user's choice about one conversation and
 * ends with their membership. A muted conversation raises no desktop notification, no missed-message
 * mail and no count in the tab title; its unread badge stays.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('conversation_members')
    .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversation_members').dropColumn('muted').execute();
}
