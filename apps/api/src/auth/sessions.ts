import type { Db } from '../infra/db/database.ts';
import type { UserRow } from '../users/users-repository.ts';
import { hashSecret, newSecret } from './secrets.ts';

/** A session lives this long after its last use. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Sliding expiry is written at most once per this interval, not on every request. */
const SESSION_REFRESH_MS = 24 * 60 * 60 * 1000;

export interface Session {
  idHash: string;
  userId: number;
}

export async function createSession(db: Db, userId: number, now: number): Promise<{ token: string; session: Session }> {
  const { token, hash } = newSecret();
  await db
    .insertInto('sessions')
    .values({ id_hash: hash, user_id: userId, created_at: now, expires_at: now + SESSION_TTL_MS })
    .execute();
  return { token, session: { idHash: hash, userId } };
}

/** A live session and the account it belongs to. */
export interface SignedIn {
  session: Session;
  user: UserRow;
}

/** The live session a token names, with its user, its expiry pushed forward when it is due. */
export async function findSession(db: Db, token: string, now: number): Promise<SignedIn | undefined> {
  const found = await findLiveSession(db, hashSecret(token), now);
  if (!found) return undefined;
  if (found.expiresAt - now < SESSION_TTL_MS - SESSION_REFRESH_MS) {
    await db
      .updateTable('sessions')
      .set({ expires_at: now + SESSION_TTL_MS })
      .where('id_hash', '=', found.session.idHash)
      .execute();
  }
  return { session: found.session, user: found.user };
}

/** The live session with this id hash, with its user (a WebSocket ticket names sessions by hash). */
export async function findSessionByHash(db: Db, idHash: string, now: number): Promise<SignedIn | undefined> {
  const found = await findLiveSession(db, idHash, now);
  return found && { session: found.session, user: found.user };
}

/** One query for both: every authenticated request and every WebSocket admission asks it. */
async function findLiveSession(db: Db, idHash: string, now: number) {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select('s.expires_at as session_expires_at')
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row || row.session_expires_at <= now) return undefined;
  const { session_expires_at: expiresAt, ...user } = row;
  return { session: { idHash, userId: user.id }, user, expiresAt };
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of a user, but the one named (the caller's own), if any. */
export async function deleteUserSessions(db: Db, userId: number, except?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (except) query = query.where('id_hash', '!=', except);
  await query.execute();
}

/** Ends every session of a user but the one named; returns those it ended, so that their sockets close. */
export async function endOtherSessions(db: Db, userId: number, keep: string): Promise<string[]> {
  const rows = await db
    .selectFrom('sessions')
    .select('id_hash')
    .where('user_id', '=', userId)
    .where('id_hash', '!=', keep)
    .execute();
  await deleteUserSessions(db, userId, keep);
  return rows.map((row) => row.id_hash);
}
