import type { Kysely } from 'kysely';
import { dropIndex } from './portable.ts';

/** Pictures: metadata here, bytes in blob storage under content-hash keys. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('uploads')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('uploader_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('content_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('blob_key', 'varchar(100)', (c) => c.notNull())
    .addColumn('thumbnail_key', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // Serving a picture asks which conversations carry it.
  await db.schema.createIndex('messages_attachment').on('messages').column('attachment_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await dropIndex(db, 'messages_attachment', 'messages');
  await db.schema.dropTable('uploads').execute();
}
