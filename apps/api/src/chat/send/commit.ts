import type { Db } from '../../infra/db/database.ts';
import { isUniqueViolation, type MultiRowInsertIds } from '../../infra/db/dialect.ts';
import { totalsUnread } from '../conversations-repository.ts';
import { type Cursors, unreadState } from '../unread-state.ts';
import { clientKey, replayed, storedAlready } from './replay.ts';
import { type CommittedBatch, commitTogether } from './transaction.ts';
import type { PreparedSend, SendResult } from './types.ts';

export type SendOutcome = SendResult | Error;

/**
 * Stores sends and answers each: its result, or the error that is its own. A batch is one
 * transaction; when something fails it (a retried client id, a sender outside the conversation,
 * a lock timeout) it rolls back whole, the retries are answered from what is stored, and the rest
 * is committed again, together when only retries were in the way, else one by one.
 */
export async function commitSends(
  db: Db,
  sends: readonly PreparedSend[],
  insertIds: MultiRowInsertIds,
): Promise<SendOutcome[]> {
  let committed: CommittedBatch;
  try {
    committed = await commitTogether(db, sends, insertIds);
  } catch (error) {
    return commitAfterFailure(db, sends, insertIds, error);
  }
  return withUnreadCounts(db, committed);
}

async function commitAfterFailure(
  db: Db,
  sends: readonly PreparedSend[],
  insertIds: MultiRowInsertIds,
  error: unknown,
): Promise<SendOutcome[]> {
  const replays = isUniqueViolation(error) ? await storedAlready(db, sends) : new Set<string>();
  if (replays.size === 0) {
    if (sends.length === 1) return [asError(error)];
    const results: SendOutcome[] = [];
    for (const send of sends) results.push(...(await commitSends(db, [send], insertIds)));
    return results;
  }
  const fresh = sends.filter((send) => !replays.has(clientKey(send)));
  const freshResults = fresh.length > 0 ? await commitSends(db, fresh, insertIds) : [];
  const results: SendOutcome[] = [];
  for (const send of sends) {
    if (replays.has(clientKey(send))) results.push(await answerReplay(db, send, error));
    else results.push(freshResults[fresh.indexOf(send)] as SendOutcome);
  }
  return results;
}

async function answerReplay(db: Db, send: PreparedSend, cause: unknown): Promise<SendOutcome> {
  try {
    return (await replayed(db, send)) ?? asError(cause);
  } catch (error) {
    return asError(error);
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * Absolute unread counts for everyone the batch touched, read after the commit so that no lock is
 * held for them. A count that moved again meanwhile is newer, not wrong: the next event corrects it.
 */
async function withUnreadCounts(db: Db, batch: CommittedBatch): Promise<SendResult[]> {
  // The sends are stored whatever happens here: without the totals, each count stands for itself
  // until the next event brings the real total.
  const totalOf = await totalsUnread(db, batch.userIds).catch(() => new Map<number, number>());
  return batch.sends.map((send) => {
    const state = (cursors: Cursors, userId: number) => {
      const own = unreadState(cursors, 0);
      return { ...own, total: totalOf.get(userId) ?? own.unread };
    };
    return {
      message: send.message,
      created: true,
      peerId: send.peerId,
      peerUnread: state(send.peer, send.peerId),
      senderUnread: state(send.sender, send.message.senderId),
    };
  });
}
