import { type OwnerProofBody, RECENT_SIGN_IN_MS } from '@chat/protocol';
import { AppError } from '../http/errors.ts';
import type { Db } from '../infra/db/database.ts';
import type { UserRow } from '../users/users-repository.ts';
import { NO_PASSWORD, passwordMatches } from './secrets.ts';
import { type Session, sessionCreatedAt } from './sessions.ts';

/** An action that asks for proof of ownership, in the words its refusals use. */
export interface GuardedAction {
  /** What to do once signed in again, e.g. "delete it". */
  retry: string;
  /** What a wrong password left undone, e.g. "your account was not deleted". */
  undone: string;
}

/**
 * Proof that the person asking owns the account, before an action that cannot be taken back or
 * that takes the account over (deleting it, removing a passkey): its password; or, for an account
 * that signs in only through an identity provider (no password), that this session was opened
 * moments ago, so whoever asks has just passed the provider's sign-in, not merely found a browser
 * left signed in.
 */
export async function confirmOwner(
  db: Db,
  user: UserRow,
  session: Session,
  proof: OwnerProofBody,
  now: number,
  action: GuardedAction,
): Promise<void> {
  if (user.password_hash === NO_PASSWORD) {
    const openedAt = await sessionCreatedAt(db, session.idHash);
    if (openedAt !== undefined && openedAt >= now - RECENT_SIGN_IN_MS) return;
    throw new AppError(
      403,
      'recent_sign_in_required',
      `Your account has no password: sign out, sign in again through your provider, then ${action.retry} within ${RECENT_SIGN_IN_MS / 60_000} minutes.`,
    );
  }
  const password = proof.password ?? '';
  if (user.password_hash === '' || !(await passwordMatches(password, user.password_hash))) {
    throw new AppError(403, 'invalid_credentials', `That password is not right: ${action.undone}.`);
  }
}
