import type { Selectable } from 'kysely';
import type { Db } from '../../infra/db/database.ts';
import type { PendingIdentitiesTable } from '../../infra/db/schema.ts';

export type PendingIdentityRow = Selectable<PendingIdentitiesTable>;

/** What a provider told about the person who signed in there. */
export interface ProviderIdentity {
  provider: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
}

/** The user a provider account is linked to. */
export async function findLinkedUserId(db: Db, provider: string, subject: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('identities')
    .select('user_id')
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row?.user_id;
}

export async function hasIdentityOf(db: Db, userId: number, provider: string): Promise<boolean> {
  const row = await db
    .selectFrom('identities')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertIdentity(
  db: Db,
  identity: { provider: string; subject: string; userId: number; now: number },
): Promise<void> {
  await db
    .insertInto('identities')
    .values({
      provider: identity.provider,
      subject: identity.subject,
      user_id: identity.userId,
      created_at: identity.now,
    })
    .execute();
}

/** A user's linked identities, oldest first. */
export const listIdentities = (db: Db, userId: number) =>
  db
    .selectFrom('identities')
    .select(['provider', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('provider')
    .execute();

export async function deleteIdentity(db: Db, userId: number, provider: string): Promise<void> {
  await db.deleteFrom('identities').where('user_id', '=', userId).where('provider', '=', provider).execute();
}

/** Holds an identity with no account yet; expired ones are swept on the way. */
export async function insertPendingIdentity(
  db: Db,
  idHash: string,
  identity: ProviderIdentity,
  now: number,
  ttlMs: number,
): Promise<void> {
  await db.deleteFrom('pending_identities').where('expires_at', '<=', now).execute();
  await db
    .insertInto('pending_identities')
    .values({
      id_hash: idHash,
      provider: identity.provider,
      subject: identity.subject,
      email: identity.email,
      email_verified: identity.emailVerified ? 1 : 0,
      name: identity.name,
      created_at: now,
      expires_at: now + ttlMs,
    })
    .execute();
}

export async function findPendingIdentity(db: Db, idHash: string, now: number) {
  return db
    .selectFrom('pending_identities')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function deletePendingIdentity(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('pending_identities').where('id_hash', '=', idHash).execute();
}
