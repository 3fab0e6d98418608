import type { Db } from '../../infra/db/database.ts';
import type { Statement } from '../../infra/db/pipelined-transaction.ts';
import { list, runText, textPerShape } from '../../infra/db/statement-text.ts';
import { indexDocument, isSearchable } from './tokens.ts';

/** A message as search indexes it: its text, and who may find it. */
export interface Indexable {
  /** Also where in the index it goes: its span (`tokens.ts`). */
  messageId: number;
  conversationId: number;
  /** Both members: a search reads only the searcher's own entries. */
  memberIds: readonly number[];
  text: string;
}

/** Params: (message id, tokens) per row. */
const insertRows = textPerShape(
  (rows) => `insert into message_search (message_id, tokens) values ${list(rows, '(?, ?)')}`,
);

/**
 * The one writer of `message_search`. Chat calls it inside its own transactions (send, edit,
 * delete for everyone, the backfill of older messages), so the index is never out of step with
 * what people see; on the send path, as text written once per batch size. A message with no
 * searchable text (a picture alone) gets no row: there is nothing to find it by.
 */
export async function indexMessages(db: Db, messages: readonly Indexable[]): Promise<void> {
  const statement = indexStatement(messages);
  if (statement) await runText(db, ...statement);
}

/** The insert that indexes `messages`, for a transaction that sends its statements itself; none when nothing is searchable. */
export function indexStatement(messages: readonly Indexable[]): Statement | undefined {
  const searchable = messages.filter((message) => isSearchable(message.text));
  if (searchable.length === 0) return undefined;
  return [
    insertRows(searchable.length),
    searchable.flatMap((message) => [
      message.messageId,
      indexDocument(message.messageId, message.conversationId, message.memberIds, message.text),
    ]),
  ];
}

/** An edit: the message is found by its new text only. */
export async function reindexMessage(db: Db, message: Indexable): Promise<void> {
  await unindexMessage(db, message.messageId);
  await indexMessages(db, [message]);
}

/** A delete for everyone: the message is never found again. */
export async function unindexMessage(db: Db, messageId: number): Promise<void> {
  await db.deleteFrom('message_search').where('message_id', '=', messageId).execute();
}
