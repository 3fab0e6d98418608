import type { Db } from '../../infra/db/database.ts';
import { isUniqueViolation, type MultiRowInsertIds } from '../../infra/db/dialect.ts';
import { unreadState } from '../unread-state.ts';
import { clientKey, replayed, storedAlready } from './replay.ts';
import { type CommittedSend, commitTogether } from './transaction.ts';
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
  let committed: CommittedSend[];
  try {
    committed = await commitTogether(db, sends, insertIds);
  } catch (error) {
    return commitAfterFailure(db, sends, insertIds, error);
  }
  return committed.map(asResult);
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

/** The ack's and the fan-out's view of a committed send: absolute counts as of its batch. */
function asResult(send: CommittedSend): SendResult {
  return {
    message: send.message,
    created: true,
    peerId: send.peerId,
    peerUnread: unreadState(send.peer, send.peerTotal),
    senderUnread: unreadState(send.sender, send.senderTotal),
  };
}
