import type { Passkey } from '@chat/protocol';
import type { Selectable } from 'kysely';
import type { Db } from '../../infra/db/database.ts';
import type { PasskeysTable } from '../../infra/db/schema.ts';

/** The one module that reads and writes `passkeys`. */

export type PasskeyRow = Selectable<PasskeysTable>;

/** The one place a passkey row becomes what its owner sees (never its key or credential id). */
export const toPasskey = (row: PasskeyRow): Passkey => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

/**
 * A passkey in its owner's data export: what they see of it, and the credential id their
 * authenticator knows it by, to tell which one it is; never the public key or the counter, which
 * say nothing about the person.
 */
export const toExportedPasskey = (row: PasskeyRow) => ({
  name: row.name,
  credentialId: row.credential_id,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

export const listPasskeys = (db: Db, userId: number) =>
  db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('id').execute();

export const findPasskeyByCredentialId = (db: Db, credentialId: string) =>
  db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();

export async function insertPasskey(db: Db, passkey: Omit<PasskeyRow, 'id' | 'last_used_at'>): Promise<PasskeyRow> {
  const result = await db
    .insertInto('passkeys')
    .values({ ...passkey, last_used_at: null })
    .executeTakeFirstOrThrow();
  return { ...passkey, id: Number(result.insertId), last_used_at: null };
}

/**
 * Records a use with the authenticator's new signature counter, only if nobody moved the counter
 * since it was read: of two sign-ins with one cloned assertion, one loses.
 */
export async function recordPasskeyUse(db: Db, row: PasskeyRow, newCounter: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('passkeys')
    .set({ counter: newCounter, last_used_at: now })
    .where('id', '=', row.id)
    .where('counter', '=', row.counter)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deletePasskey(db: Db, userId: number, id: number): Promise<boolean> {
  const result = await db.deleteFrom('passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
