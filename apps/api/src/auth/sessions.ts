import type { Db } from '../infra/db/database.ts';
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

/** The live session a token names, its expiry pushed forward when it is due. */
export async function findSession(db: Db, token: string, now: number): Promise<Session | undefined> {
  const found = await findLiveSession(db, hashSecret(token), now);
  if (!found) return undefined;
  if (found.expiresAt - now < SESSION_TTL_MS - SESSION_REFRESH_MS) {
    await db
      .updateTable('sessions')
      .set({ expires_at: now + SESSION_TTL_MS })
      .where('id_hash', '=', found.idHash)
      .execute();
  }
  return { idHash: found.idHash, userId: found.userId };
}

/** The live session with this id hash (a WebSocket ticket names sessions by hash). */
export async function findSessionByHash(db: Db, idHash: string, now: number): Promise<Session | undefined> {
  const found = await findLiveSession(db, idHash, now);
  return found && { idHash: found.idHash, userId: found.userId };
}

async function findLiveSession(db: Db, idHash: string, now: number) {
  const row = await db
    .selectFrom('sessions')
    .select(['user_id', 'expires_at'])
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return row && row.expires_at > now ? { idHash, userId: row.user_id, expiresAt: row.expires_at } : undefined;
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
