import type { Me } from '@chat/protocol';
import type { Selectable } from 'kysely';
import type { Db } from '../infra/db/database.ts';
import type { UsersTable } from '../infra/db/schema.ts';

export type UserRow = Selectable<UsersTable>;

/** The one place a user row becomes what the user sees of themselves. */
export function toMe(row: UserRow): Me {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: row.email_verified_at !== null,
    readReceipts: row.read_receipts === 1,
  };
}

export async function insertUser(
  db: Db,
  user: { username: string; email: string; passwordHash: string; now: number },
): Promise<number> {
  const result = await db
    .insertInto('users')
    .values({ username: user.username, email: user.email, password_hash: user.passwordHash, created_at: user.now })
    .executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export const findUserById = (db: Db, id: number) =>
  db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const findUserByUsername = (db: Db, username: string) =>
  db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();

export const findUserByEmail = (db: Db, email: string) =>
  db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

export async function markEmailVerified(db: Db, userId: number, now: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ email_verified_at: now })
    .where('id', '=', userId)
    .where('email_verified_at', 'is', null)
    .execute();
}

export async function setPasswordHash(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}
