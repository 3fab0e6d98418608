import type { DeviceSession } from '@chat/protocol';
import type { Selectable } from 'kysely';
import type { Db } from '../infra/db/database.ts';
import type { SessionsTable } from '../infra/db/schema.ts';
import { TickBatch } from '../infra/tick-batch.ts';
import type { UserRow } from '../users/users-repository.ts';
import { hashSecret, newSecret } from './secrets.ts';

/** A session lives this long after its last use. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Sliding expiry is written at most once per this interval, not on every request. */
const SESSION_REFRESH_MS = 24 * 60 * 60 * 1000;
/**
 * "Last active" (with the address and browser as last seen) is written at most once per this
 * interval: the devices list needs minutes, not milliseconds, and a write per request would double
 * the database's work on every authenticated call.
 */
export const ACTIVITY_REFRESH_MS = 5 * 60 * 1000;

export type SessionRow = Selectable<SessionsTable>;

/** What a request tells about the device it came from, recorded on its session. */
export interface DeviceSeen {
  userAgent: string | null;
  ip: string | null;
}

/** How a session was handed out: a cookie in a browser, or a bearer token to any other client. */
export type SessionKind = DeviceSession['kind'];

export interface Session {
  idHash: string;
  userId: number;
}

/** What signed in: recorded on the session so that its owner can tell their devices apart. */
export interface NewDevice extends DeviceSeen {
  kind: SessionKind;
}

/**
 * The one place a session is made: every way of signing in ends here, so every session carries
 * its device.
 */
export async function createSession(
  db: Db,
  userId: number,
  now: number,
  device: NewDevice,
): Promise<{ token: string; session: Session }> {
  const { token, hash } = newSecret();
  await db
    .insertInto('sessions')
    .values({
      id_hash: hash,
      user_id: userId,
      created_at: now,
      expires_at: now + SESSION_TTL_MS,
      kind: device.kind,
      user_agent: device.userAgent,
      ip: device.ip,
      last_active_at: now,
    })
    .execute();
  return { token, session: { idHash: hash, userId } };
}

/** A live session and the account it belongs to. */
export interface SignedIn {
  session: Session;
  user: UserRow;
}

type LiveSessionRow = UserRow & { session_expires_at: number; session_last_active_at: number | null };

/** When a session was opened (signed in), if it still exists. */
export async function sessionCreatedAt(db: Db, idHash: string): Promise<number | undefined> {
  const row = await db.selectFrom('sessions').select('created_at').where('id_hash', '=', idHash).executeTakeFirst();
  return row?.created_at;
}

/** Sessions with their users, by id hash, in one query: every authenticated request and socket admission asks it. */
async function findSessionRows(db: Db, idHashes: string[]): Promise<Map<string, LiveSessionRow>> {
  const rows = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select(['s.id_hash', 's.expires_at as session_expires_at', 's.last_active_at as session_last_active_at'])
    .where('s.id_hash', 'in', idHashes)
    .execute();
  return new Map(rows.map(({ id_hash, ...row }) => [id_hash, row]));
}

/**
 * Finds live sessions: the lookups of one tick in one query (a wave of reconnecting sockets signs
 * in together), each session's expiry and activity written when due.
 */
export class LiveSessions {
  private readonly rows: TickBatch<string, LiveSessionRow>;

  constructor(private readonly db: Db) {
    this.rows = new TickBatch((idHashes) => findSessionRows(db, idHashes));
  }

  /** The live session a token names, with its user. */
  byToken(token: string, now: number, seen?: DeviceSeen): Promise<SignedIn | undefined> {
    return this.byHash(hashSecret(token), now, seen);
  }

  /** The live session with this id hash, with its user (a WebSocket ticket names sessions by hash). */
  async byHash(idHash: string, now: number, seen?: DeviceSeen): Promise<SignedIn | undefined> {
    const row = await this.rows.get(idHash);
    if (!row || row.session_expires_at <= now) return undefined;
    const { session_expires_at: expiresAt, session_last_active_at: lastActiveAt, ...user } = row;
    const session = { idHash, userId: user.id };
    await refreshWhenDue(this.db, { session, expiresAt, lastActiveAt }, now, seen);
    return { session, user };
  }
}

/** One write, only when the expiry or (for a request that says where it came from) the activity is due. */
async function refreshWhenDue(
  db: Db,
  found: { session: Session; expiresAt: number; lastActiveAt: number | null },
  now: number,
  seen: DeviceSeen | undefined,
): Promise<void> {
  const expiryDue = found.expiresAt - now < SESSION_TTL_MS - SESSION_REFRESH_MS;
  const activityDue = seen !== undefined && (found.lastActiveAt ?? 0) <= now - ACTIVITY_REFRESH_MS;
  if (!expiryDue && !activityDue) return;
  await db
    .updateTable('sessions')
    .set({
      expires_at: now + SESSION_TTL_MS,
      ...(activityDue && seen ? { last_active_at: now, ip: seen.ip, user_agent: seen.userAgent } : {}),
    })
    .where('id_hash', '=', found.session.idHash)
    .execute();
}

/** A user's live sessions, most recently active first. */
export async function listUserSessions(db: Db, userId: number, now: number): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .execute();
  const activity = (row: SessionRow) => row.last_active_at ?? row.created_at;
  return rows.sort((a, b) => activity(b) - activity(a));
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of a user, but the one named (the caller's own), if any; says which ended. */
export async function deleteUserSessions(db: Db, userId: number, except?: string): Promise<string[]> {
  let select = db.selectFrom('sessions').select('id_hash').where('user_id', '=', userId);
  if (except) select = select.where('id_hash', '!=', except);
  const ended = (await select.execute()).map((row) => row.id_hash);
  if (ended.length === 0) return [];
  await db.deleteFrom('sessions').where('id_hash', 'in', ended).execute();
  return ended;
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
