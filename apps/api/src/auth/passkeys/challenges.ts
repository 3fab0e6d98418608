import type { Db } from '../../infra/db/database.ts';
import { hashSecret } from '../secrets.ts';

/** A WebAuthn ceremony must finish within this: about what browsers give the user to touch the key. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export type ChallengePurpose = 'passkey_register' | 'passkey_login';

/** Remembers a challenge the server handed out (by hash), for whichever node receives the answer. */
export async function saveChallenge(
  db: Db,
  challenge: string,
  purpose: ChallengePurpose,
  userId: number | null,
  now: number,
): Promise<void> {
  // Challenges never answered would pile up: each new one clears the expired.
  await db.deleteFrom('auth_challenges').where('expires_at', '<=', now).execute();
  await db
    .insertInto('auth_challenges')
    .values({ challenge_hash: hashSecret(challenge), purpose, user_id: userId, expires_at: now + CHALLENGE_TTL_MS })
    .execute();
}

/**
 * Uses a challenge up: true once for a live challenge of this purpose (and user), false for every
 * later try, on any node, however close two tries come (one DELETE wins).
 */
export async function takeChallenge(
  db: Db,
  challenge: string,
  purpose: ChallengePurpose,
  userId: number | null,
  now: number,
): Promise<boolean> {
  let query = db
    .deleteFrom('auth_challenges')
    .where('challenge_hash', '=', hashSecret(challenge))
    .where('purpose', '=', purpose)
    .where('expires_at', '>', now);
  query = userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
