import type { Kysely } from 'kysely';
import { dropIndex } from './portable.ts';

/**
 * What a person controls about their account: a display name and a picture (the key of its square
 * rendition, looked up when it is served), an address change waiting for its confirmation, and who
 * sees their presence, with the presence version from when they last changed that (what those who
 * may not see it are shown, so it tells them nothing about later activity).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('display_name', 'varchar(64)').execute();
  await db.schema.alterTable('users').addColumn('avatar_id', 'varchar(64)').execute();
  await db.schema.createIndex('users_avatar_id').on('users').column('avatar_id').execute();
  await db.schema.alterTable('users').addColumn('pending_email', 'varchar(254)').execute();
  await db.schema
    .alterTable('users')
    .addColumn('presence_visibility', 'varchar(16)', (c) => c.notNull().defaultTo('everyone'))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('presence_hidden_version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('presence_hidden_version').execute();
  await db.schema.alterTable('users').dropColumn('presence_visibility').execute();
  await db.schema.alterTable('users').dropColumn('pending_email').execute();
  await dropIndex(db, 'users_avatar_id', 'users');
  await db.schema.alterTable('users').dropColumn('avatar_id').execute();
  await db.schema.alterTable('users').dropColumn('display_name').execute();
}
