import type { Message } from '@chat/protocol';

/** A stored message for unit tests: seq `n` in conversation 7 from user 1, unless told otherwise. */
export const testMessage = (fields: Partial<Message> & { seq: number }): Message => ({
  id: fields.seq,
  conversationId: 7,
  senderId: 1,
  clientId: `c${fields.seq}`,
  text: `m${fields.seq}`,
  attachment: null,
  createdAt: 0,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  changeSeq: 0,
  ...fields,
});
