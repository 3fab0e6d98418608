import type { Attachment, Message, ReplyQuote } from '@chat/protocol';
import type { UnreadState } from '../unread-state.ts';

/** A send checked and resolved to its conversation, ready to be committed (alone or in a batch). */
export interface PreparedSend {
  senderId: number;
  conversationId: number;
  clientId: string;
  text: string;
  attachment: Attachment | null;
  /** The message this one answers, checked to be of the same conversation. */
  replyTo: ReplyQuote | null;
}

/** A stored send and what it changed: everything the sender's ack and the fan-out need. */
export interface SendResult {
  message: Message;
  /**
   * False when the client id was stored before (a retry). The retry is answered and fanned out
   * again all the same: the node that stored it may have died before telling anyone.
   */
  created: boolean;
  peerId: number;
  peerUnread: UnreadState;
  /** The sender's own counts: sending reads everything before it, and their other tabs must know. */
  senderUnread: UnreadState;
}
