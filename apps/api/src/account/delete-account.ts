import type { Db } from '../infra/db/database.ts';
import type { UserRow } from '../users/users-repository.ts';
import { eraseAccount } from './erase.ts';

/** How `confirmOwner`'s refusals word deleting the account. */
export const DELETING_ACCOUNT = { retry: 'delete it', undone: 'your account was not deleted' } as const;

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
