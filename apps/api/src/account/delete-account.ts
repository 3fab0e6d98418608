import type { DeleteAccountBody } from '@chat/protocol';
import { passwordMatches } from '../auth/secrets.ts';
import { AppError } from '../http/errors.ts';
import type { Db } from '../infra/db/database.ts';
import type { UserRow } from '../users/users-repository.ts';
import { eraseAccount } from './erase.ts';

/**
 * Proof that the person asking owns the account: its password. This is where other proofs plug
 * in: an account that signs in only through an identity provider has no password and will prove a
 * recent sign-in instead (DeleteAccountBody grows a field for it; this function checks it).
 */
export async function confirmOwner(user: UserRow, proof: DeleteAccountBody): Promise<void> {
  if (user.password_hash === '' || !(await passwordMatches(proof.password, user.password_hash))) {
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
