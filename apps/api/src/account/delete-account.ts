import { lockConversations } from '../chat/conversations-repository.ts';
import type { Db } from '../infra/db/database.ts';
import type { UserRow } from '../users/users-repository.ts';
import { eraseAccount } from './erase.ts';

/** How `confirmOwner`'s refusals word deleting the account. */
export const DELETING_ACCOUNT = { retry: 'delete it', undone: 'your account was not deleted' } as const;

/**
 * Erases the account in one transaction and says who had conversations with it, to tell them. Its
 * conversations are locked first: a send batch reads whether the peer's account is gone under the
 * same lock, so none commits after the deletion (a batch that read before waits, and is stored
 * before it).
 */
export async function deleteAccount(db: Db, user: UserRow, now: number): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    const memberships = await trx
      .selectFrom('conversation_members')
      .select(['conversation_id', 'peer_id'])
      .where('user_id', '=', user.id)
      .execute();
    await lockConversations(
      trx,
      memberships.map((row) => row.conversation_id),
    );
    await eraseAccount(trx, user, now);
    return memberships.map((row) => row.peer_id);
  });
}
