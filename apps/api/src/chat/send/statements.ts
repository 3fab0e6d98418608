/** The SQL of the send transaction, one text per shape (see infra/db/statement-text.ts); `case` reads the same on both. */
import { list, repeat, textPerShape } from '../../infra/db/statement-text.ts';

export const sendStatements = {
  /**
   * Params: the conversation ids. MySQL only (SQLite has one writer at a time): locks the rows in
   * id order, so two nodes committing overlapping batches wait for each other instead of
   * deadlocking, and what is read after it is what the last commit left.
   */
  lockConversations: textPerShape(
    (conversations) => `select id from conversations where id in (${list(conversations)}) order by id for update`,
  ),
  /** Params: (id, count) per conversation, now, then the ids again. */
  takeSeqs: textPerShape(
    (conversations) =>
      `update conversations set last_seq = last_seq + case ${repeat(conversations, 'when id = ? then ?', ' ')} else 0 end, updated_at = ? where id in (${list(conversations)})`,
  ),
  /**
   * Params: the conversation ids. Each member's cursors, whether their account was deleted, whether
   * they block their peer (one primary-key lookup), and their unread total over all their conversations.
   */
  readMembers: textPerShape(
    (conversations) =>
      `select m.conversation_id, m.user_id, m.peer_id, m.read_seq, m.deleted_unread, c.last_seq, c.last_change_seq, u.deleted_at, ` +
      `b.blocked_id as blocked_peer, ` +
      `(select sum(c2.last_seq - m2.read_seq - m2.deleted_unread) from conversation_members m2 ` +
      `inner join conversations c2 on c2.id = m2.conversation_id where m2.user_id = m.user_id) as total ` +
      `from conversation_members m inner join conversations c on c.id = m.conversation_id ` +
      `inner join users u on u.id = m.user_id ` +
      `left join blocks b on b.blocker_id = m.user_id and b.blocked_id = m.peer_id ` +
      `where m.conversation_id in (${list(conversations)})`,
  ),
  /** Params: 8 per row, in the order of the column list. */
  insertMessages: textPerShape(
    (rows) =>
      `insert into messages (conversation_id, seq, sender_id, client_id, text, attachment_id, reply_to_id, created_at) values ${list(rows, '(?, ?, ?, ?, ?, ?, ?, ?)')}`,
  ),
  /**
   * Params: (conversation, user, seq) per sender, (conversation, user) per sender, the conversation
   * ids. Both sides see the conversation again; each sender has read up to their last message.
   */
  moveCursors: textPerShape((senders, conversations) => {
    const isSender = 'when conversation_id = ? and user_id = ? then';
    return (
      `update conversation_members set hidden = 0, ` +
      `read_seq = case ${repeat(senders, `${isSender} ?`, ' ')} else read_seq end, ` +
      `deleted_unread = case ${repeat(senders, `${isSender} 0`, ' ')} else deleted_unread end ` +
      `where conversation_id in (${list(conversations)})`
    );
  }),
  /** Params: the conversation ids, then (conversation, seq) per row. */
  findIds: textPerShape(
    (conversations, rows) =>
      `select id, conversation_id, seq from messages where conversation_id in (${list(conversations)}) ` +
      `and (${repeat(rows, '(conversation_id = ? and seq = ?)', ' or ')})`,
  ),
};
