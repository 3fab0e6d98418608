import type { Kysely } from 'kysely';
import { dropIndex } from './portable.ts';

/**
 * Messages people can change: edits, deletes for everyone, replies, reactions, delete for me.
 * Each change takes the conversation's next change position (`last_change_seq`, apart from `seq`
 * so that unread counts keep counting messages) and stamps it on the message (`change_seq`): a sync
 * reads "every message changed after position N" from one index, each message once, in its final
 * state. `deleted_unread` counts a member's unread messages deleted since, so that unread stays a
 * subtraction.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('conversations')
    .addColumn('last_change_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('conversation_members')
    .addColumn('deleted_unread', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // One column per statement: SQLite adds one at a time.
  await db.schema.alterTable('messages').addColumn('reply_to_id', 'integer').execute();
  await db.schema.alterTable('messages').addColumn('edited_at', 'bigint').execute();
  await db.schema.alterTable('messages').addColumn('deleted_at', 'bigint').execute();
  await db.schema
    .alterTable('messages')
    .addColumn('change_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('messages_conversation_change')
    .on('messages')
    .columns(['conversation_id', 'change_seq'])
    .execute();

  await db.schema
    .createTable('reactions')
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // The emoji's code points in hex, "1f44d-1f3fd": MySQL's collations take many emoji for equal.
    // Up to 32 code points of at most 6 hex digits each, with their dashes.
    .addColumn('emoji_key', 'varchar(224)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reactions_pk', ['message_id', 'user_id', 'emoji_key'])
    .execute();

  // "Delete for me" of single messages: the message stays for the peer.
  await db.schema
    .createTable('hidden_messages')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('hidden_messages_pk', ['user_id', 'message_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('hidden_messages').execute();
  await db.schema.dropTable('reactions').execute();
  await dropIndex(db, 'messages_conversation_change', 'messages');
  for (const column of ['change_seq', 'deleted_at', 'edited_at', 'reply_to_id']) {
    await db.schema.alterTable('messages').dropColumn(column).execute();
  }
  await db.schema.alterTable('conversation_members').dropColumn('deleted_unread').execute();
  await db.schema.alterTable('conversations').dropColumn('last_change_seq').execute();
}
