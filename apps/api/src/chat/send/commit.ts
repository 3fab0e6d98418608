import type { DatabaseHandle, Db } from '../../infra/db/database.ts';
import { isUniqueViolation, type MultiRowInsertIds } from '../../infra/db/dialect.ts';
import { unreadState } from '../unread-state.ts';
import { clientKey, replayed, storedAlready } from './replay.ts';
import { type CommittedSend, commitTogether, type SendCommitOutcome } from './transaction.ts';
import type { PreparedSend, SendResult } from './types.ts';

export type SendOutcome = SendResult | Error;

/**
 * Stores sends and answers each: its result, or the error that is its own. A batch is one
 * transaction, which refuses the sends that may not be stored and stores the rest; when something
 * fails it whole (a retried client id, a lock timeout) it rolls back, the retries are answered
 * from what is stored, and the rest is committed again, together when only retries were in the
 * way, else one by one.
 */
export async function commitSends(
  database: DatabaseHandle,
  sends: readonly PreparedSend[],
  insertIds: MultiRowInsertIds,
): Promise<SendOutcome[]> {
  let committed: SendCommitOutcome[];
  try {
    committed = await commitTogether(database, sends, insertIds);
  } catch (error) {
    return commitAfterFailure(database, sends, insertIds, error);
  }
  return committed.map((outcome) => (outcome instanceof Error ? outcome : asResult(outcome)));
}

async function commitAfterFailure(
  database: DatabaseHandle,
  sends: readonly PreparedSend[],
  insertIds: MultiRowInsertIds,
  error: unknown,
): Promise<SendOutcome[]> {
  const replays = isUniqueViolation(error) ? await storedAlready(database.db, sends) : new Set<string>();
  if (replays.size === 0) {
    if (sends.length === 1) return [asError(error)];
    const results: SendOutcome[] = [];
    for (const send of sends) results.push(...(await commitSends(database, [send], insertIds)));
    return results;
  }
  const fresh = sends.filter((send) => !replays.has(clientKey(send)));
  const freshResults = fresh.length > 0 ? await commitSends(database, fresh, insertIds) : [];
  const results: SendOutcome[] = [];
  for (const send of sends) {
    if (replays.has(clientKey(send))) results.push(await answerReplay(database.db, send, error));
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
