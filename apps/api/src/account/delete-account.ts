import type { DeleteAccountBody } from '@chat/protocol';
import { NO_PASSWORD, passwordMatches } from '../auth/secrets.ts';
import type { Session } from '../auth/sessions.ts';
import { AppError } from '../http/errors.ts';
import type { Db } from '../infra/db/database.ts';
import type { UserRow } from '../users/users-repository.ts';
import { eraseAccount } from './erase.ts';

/** How fresh a sign-in must be to prove the owner of an account that has no password. */
export const RECENT_SIGN_IN_MS = 10 * 60 * 1000;

/**
 * Proof that the person asking owns the account: its password; or, for an account that signs in
 * only through an identity provider (no password), that this session was opened moments ago, so
 * whoever asks has just passed the provider's sign-in, not merely found a browser left signed in.
 */
export async function confirmOwner(
  db: Db,
  user: UserRow,
  session: Session,
  proof: DeleteAccountBody,
  now: number,
): Promise<void> {
  if (user.password_hash === NO_PASSWORD) {
    const row = await db
      .selectFrom('sessions')
      .select('created_at')
      .where('id_hash', '=', session.idHash)
      .executeTakeFirst();
    if (row && row.created_at >= now - RECENT_SIGN_IN_MS) return;
    throw new AppError(
      403,
      'recent_sign_in_required',
      'Your account has no password: sign out, sign in again through your provider, then delete it within 10 minutes.',
    );
  }
  const password = proof.password ?? '';
  if (user.password_hash === '' || !(await passwordMatches(password, user.password_hash))) {
    throw new AppError(403, 'invalid_credentials', 'That password is not right: your account was not deleted.');
  }
}

/** Erases the account in one transaction and says who had conversations with it, to tell them. */
export async function deleteAccount(db: Db, user: UserRow, now: number): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    const peers = await trx
      .selectFrom('conversation_members')
      .select('peer_id')
      .where('user_id', '=', user.id)
      .execute();
    await eraseAccount(trx, user, now);
    return peers.map((row) => row.peer_id);
  });
}
