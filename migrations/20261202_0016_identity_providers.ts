import type { Kysely } from 'kysely';

/**
 * Sign-in through OpenID Connect providers: which provider account (provider id, its `sub`) is
 * linked to which user, at most one per provider per user; and the identities that came back from a
 * provider with no account yet, held for a few minutes while their owner chooses a username or
 * proves the account with the same email (only the hash of the browser's token is kept).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identities')
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject', 'varchar(255)', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('identities_pk', ['provider', 'subject'])
    .addUniqueConstraint('identities_user_provider', ['user_id', 'provider'])
    .execute();

  await db.schema
    .createTable('pending_identities')
    .addColumn('id_hash', 'char(64)', (c) => c.primaryKey())
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject', 'varchar(255)', (c) => c.notNull())
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('email_verified', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(200)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pending_identities_expires_at').on('pending_identities').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('pending_identities').execute();
  await db.schema.dropTable('identities').execute();
}
