import type { Me, PresenceVisibility, PublicUser, UserProfile } from '@chat/protocol';
import { type Selectable, sql } from 'kysely';
import type { Db } from '../infra/db/database.ts';
import type { UsersTable } from '../infra/db/schema.ts';
import { hiddenPresence, toVisibility } from './presence-visibility.ts';

export type UserRow = Selectable<UsersTable>;

/** The one place a user row becomes what the user sees of themselves. */
export function toMe(row: UserRow): Me {
  return {
    ...toProfile(row),
    email: row.email,
    pendingEmail: row.pending_email,
    emailVerified: row.email_verified_at !== null,
    readReceipts: row.read_receipts === 1,
    missedMail: row.missed_mail === 1,
    presenceVisibility: toVisibility(row.presence_visibility),
  };
}

/** The one place a user row becomes the name and picture shown for them. */
export function toProfile(row: Pick<UserRow, 'id' | 'username' | 'display_name' | 'avatar_id'>): UserProfile {
  return { id: row.id, username: row.username, displayName: row.display_name, avatarId: row.avatar_id };
}

/** Whether a user is online, and the version of that state (see Presence.version). */
export interface PresenceReading {
  online: boolean;
  version: number;
}

/** The columns of what others see of a user. */
export const PUBLIC_USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'avatar_id',
  'is_bot',
  'last_seen_at',
  'presence_visibility',
  'presence_hidden_version',
  'deleted_at',
] as const;
export type PublicUserRow = Pick<UserRow, (typeof PUBLIC_USER_COLUMNS)[number]>;

/**
 * The one place a user row becomes what others see; `presenceShown` says whether this viewer may
 * see the presence. The robot never sleeps, so it is always online; a deleted account never is, and
 * shows nothing of the person who left (erasing emptied its name and picture).
 */
export function toPublicUser(row: PublicUserRow, reading: PresenceReading, presenceShown: boolean): PublicUser {
  const isBot = row.is_bot === 1;
  const deleted = row.deleted_at !== null;
  const isOnline = !deleted && (isBot || reading.online);
  const presence =
    isBot || presenceShown
      ? { online: isOnline, lastSeenAt: isOnline ? null : row.last_seen_at, version: reading.version }
      : hiddenPresence(row.presence_hidden_version);
  return { ...toProfile(row), isBot, deleted, presence };
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

export async function setLastSeen(db: Db, userIds: readonly number[], now: number): Promise<void> {
  if (userIds.length === 0) return;
  await db.updateTable('users').set({ last_seen_at: now }).where('id', 'in', userIds).execute();
}

export const findUsersByIds = (db: Db, ids: readonly number[]): Promise<PublicUserRow[]> =>
  ids.length === 0
    ? Promise.resolve([])
    : db.selectFrom('users').select(PUBLIC_USER_COLUMNS).where('id', 'in', ids).execute();

/** Which of `candidateIds` have a conversation with `userId` (hidden from a list or not). */
export async function findConversationPeersAmong(
  db: Db,
  userId: number,
  candidateIds: readonly number[],
): Promise<Set<number>> {
  if (candidateIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('conversation_members')
    .select('peer_id')
    .where('user_id', '=', userId)
    .where('peer_id', 'in', candidateIds)
    .execute();
  return new Set(rows.map((row) => row.peer_id));
}

/** Whether each user, in the order given, has read receipts on. */
export async function findUsersReceipts(db: Db, ids: readonly number[]): Promise<boolean[]> {
  const rows = await db.selectFrom('users').select(['id', 'read_receipts']).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, row.read_receipts === 1]));
  return ids.map((id) => byId.get(id) ?? false);
}

export interface UserSettings {
  readReceipts?: boolean;
  missedMail?: boolean;
}

/** Changes the settings given, leaves the others. */
export async function updateSettings(db: Db, userId: number, settings: UserSettings): Promise<void> {
  const flag = (on: boolean | undefined) => (on === undefined ? undefined : on ? 1 : 0);
  const set = { read_receipts: flag(settings.readReceipts), missed_mail: flag(settings.missedMail) };
  if (set.read_receipts === undefined && set.missed_mail === undefined) return;
  await db.updateTable('users').set(set).where('id', '=', userId).execute();
}

/** Who sees the user's presence. */
export async function setPresenceVisibility(db: Db, userId: number, visibility: PresenceVisibility): Promise<void> {
  await db.updateTable('users').set({ presence_visibility: visibility }).where('id', '=', userId).execute();
}

/** The version those who may not see the user's presence are shown from now on. */
export async function setPresenceHiddenVersion(db: Db, userId: number, hiddenVersion: number): Promise<void> {
  await db.updateTable('users').set({ presence_hidden_version: hiddenVersion }).where('id', '=', userId).execute();
}

export async function setDisplayName(db: Db, userId: number, displayName: string | null): Promise<void> {
  await db.updateTable('users').set({ display_name: displayName }).where('id', '=', userId).execute();
}

export async function setAvatar(db: Db, userId: number, avatarId: string | null): Promise<void> {
  await db.updateTable('users').set({ avatar_id: avatarId }).where('id', '=', userId).execute();
}

/** Whether any user shows this picture now: a replaced or removed one is no longer served. */
export async function avatarInUse(db: Db, avatarId: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('avatar_id', '=', avatarId).executeTakeFirst()) !== undefined;
}

export async function setPendingEmail(db: Db, userId: number, email: string | null): Promise<void> {
  await db.updateTable('users').set({ pending_email: email }).where('id', '=', userId).execute();
}

/** The confirmed change of address: the new one takes effect, already verified by the link. */
export async function replaceEmail(db: Db, userId: number, email: string, now: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ email, pending_email: null, email_verified_at: now })
    .where('id', '=', userId)
    .execute();
}

/**
 * A page of the directory: verified users (deleted accounts are gone from it) whose name starts with `prefix`, by name, after `cursor`.
 * The LIKE escape character is '!' because a backslash is read differently by MySQL and SQLite.
 */
export async function searchUsers(
  db: Db,
  options: { prefix: string; after?: string; excludeId: number; limit: number },
) {
  let query = db
    .selectFrom('users')
    .select(['id', 'username', 'is_bot', 'last_seen_at', 'deleted_at'])
    .where('email_verified_at', 'is not', null)
    .where('deleted_at', 'is', null)
    .where('id', '!=', options.excludeId);
  if (options.prefix) {
    const pattern = `${options.prefix.replace(/[!%_]/g, '!$&')}%`;
    query = query.where(sql<boolean>`username like ${pattern} escape '!'`);
  }
  if (options.after) query = query.where('username', '>', options.after);
  return query.orderBy('username').limit(options.limit).execute();
}

/** Whether a username belonged to an account that was deleted: it stays taken (see retireUsername). */
export async function isUsernameRetired(db: Db, username: string): Promise<boolean> {
  const row = await db
    .selectFrom('retired_usernames')
    .select('username')
    .where('username', '=', username)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Keeps a deleted account's username from being taken again, so that nobody can pass for the person
 * who left in the conversations they had. Kept apart from the emptied row: it says which names are
 * gone, not who had them.
 */
export async function retireUsername(db: Db, username: string, now: number): Promise<void> {
  await db.insertInto('retired_usernames').values({ username, retired_at: now }).execute();
}
