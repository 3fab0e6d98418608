import { AppError, notFound } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';
import { findUserById } from '../../users/users-repository.ts';
import { lockConversationBetween } from '../conversations-repository.ts';
import { addBlock, removeBlock } from './repository.ts';

/** Someone one can block: a confirmed user other than oneself (anyone else does not exist for the caller). */
async function requireBlockable(db: Db, userId: number, otherId: number): Promise<void> {
  if (otherId === userId) throw new AppError(400, 'cannot_block_self', 'You cannot block yourself.');
  const other = await findUserById(db, otherId);
  if (!other || other.email_verified_at === null) throw notFound('That user');
}

/**
 * Blocks or unblocks; doing it twice answers the same. A block takes the lock of the pair's
 * conversation first, so a send committing there meanwhile is either stored before the block is
 * (and answered before it is confirmed) or reads it under that lock and is refused: nothing from
 * the blocked person is stored after the block. An unblock races nothing worth ordering.
 */
export async function setBlocked(db: Db, userId: number, otherId: number, blocked: boolean): Promise<void> {
  await requireBlockable(db, userId, otherId);
  if (!blocked) return removeBlock(db, userId, otherId);
  await db.transaction().execute(async (trx) => {
    await lockConversationBetween(trx, userId, otherId);
    await addBlock(trx, userId, otherId, Date.now());
  });
}
