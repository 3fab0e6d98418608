import type { Db } from '../../infra/db/database.ts';
import { indexDocument, isSearchable } from './tokens.ts';

/** A message as search indexes it: its text, and who may find it. */
export interface Indexable {
  messageId: number;
  conversationId: number;
  /** Both members: the index narrows a search to the searcher's conversations. */
  memberIds: readonly number[];
  text: string;
}

/**
 * The one writer of `message_search`. Chat calls it inside its own transactions (send, edit,
 * delete for everyone), so the index is never out of step with what people see. A message with no
 * searchable text (a picture alone) gets no row: there is nothing to find it by.
 */
export async function indexMessages(
  db: Db,
  messages: readonly Indexable[],
  options: { ignoreIndexed?: boolean } = {},
): Promise<void> {
  const rows = messages
    .filter((message) => isSearchable(message.text))
    .map((message) => ({
      message_id: message.messageId,
      tokens: indexDocument(message.conversationId, message.memberIds, message.text),
    }));
  if (rows.length === 0) return;
  const insert = db.insertInto('message_search').values(rows);
  await (options.ignoreIndexed ? insert.ignore() : insert).execute();
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
