import type { Kysely } from 'kysely';

/**
 * One conversation per pair of users; per-member cursors make unread counts a subtraction;
 * messages are numbered per conversation, and (sender_id, client_id) is unique so that a retried
 * send is stored once, however late it comes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    // The pair, smaller id first, so that (a, b) and (b, a) are one row.
    .addColumn('user_low_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('user_high_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('conversations_pair', ['user_low_id', 'user_high_id'])
    .execute();

  await db.schema
    .createTable('conversation_members')
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('peer_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('read_seq', 'integer', (c) => c.notNull().defaultTo(0))
    // Messages up to here are deleted for this member ("delete for me").
    .addColumn('cleared_seq', 'integer', (c) => c.notNull().defaultTo(0))
    // 1 while the conversation is out of this member's list: deleted, or opened by the peer with no message yet.
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('conversation_members_pk', ['conversation_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('conversation_members_user')
    .on('conversation_members')
    .columns(['user_id', 'hidden'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('sender_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('attachment_id', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
    .addUniqueConstraint('messages_sender_client', ['sender_id', 'client_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['messages', 'conversation_members', 'conversations']) {
    await db.schema.dropTable(table).execute();
  }
}
