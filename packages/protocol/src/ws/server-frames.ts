import Type, { type Static } from 'typebox';
import { Id, Message, Presence, PublicUser, Timestamp, UserProfile } from '../entities.ts';

/** First frame on every connection: the session is accepted. */
export const ReadyFrame = Type.Object({
  type: Type.Literal('ready'),
  protocolVersion: Type.Integer(),
  userId: Id,
  serverTime: Timestamp,
  /** The client should send `ping` at least this often; the server drops silent peers after twice that. */
  heartbeatIntervalMs: Type.Integer({ minimum: 1 }),
});

export const PongFrame = Type.Object({
  type: Type.Literal('pong'),
  ref: Type.Optional(Type.String()),
  serverTime: Timestamp,
});

/** A new message in one of the user's conversations, sent or received. */
export const MessageFrame = Type.Object({
  type: Type.Literal('message'),
  message: Message,
  serverTime: Timestamp,
});

/** The message named by `clientId` is committed; `message` is what was stored. */
export const AckFrame = Type.Object({
  type: Type.Literal('ack'),
  clientId: Type.String(),
  message: Message,
});

/**
 * A message changed (edited, deleted for everyone, reacted to): `message` is its whole current state.
 * Keep it if its `changeSeq` is larger than that of the state you hold. `changeSeq`s of one
 * conversation come 1, 2, 3…: a client that sees one skipped syncs if it does not arrive.
 */
export const MessageChangedFrame = Type.Object({
  type: Type.Literal('message_changed'),
  message: Message,
  serverTime: Timestamp,
});

/** Your `edit`, `delete` or `react` named by `clientId` is committed; `message` is the state it left. */
export const ChangeAckFrame = Type.Object({
  type: Type.Literal('change_ack'),
  clientId: Type.String(),
  message: Message,
});

/** You deleted a message for yourself (on this or another connection): drop it from the view. */
export const MessageHiddenFrame = Type.Object({
  type: Type.Literal('message_hidden'),
  conversationId: Id,
  messageId: Id,
});

/**
 * Absolute unread counts: replace, never add. `unread` = `unreadCount(lastSeq, readSeq,
 * deletedUnread)`, the state it was computed from; `lastSeq`, `readSeq` and `lastChangeSeq` only
 * grow, so of two frames for one conversation the one with the larger values is the newer (frames
 * from different nodes can arrive out of order).
 */
export const UnreadFrame = Type.Object({
  type: Type.Literal('unread'),
  conversationId: Id,
  unread: Type.Integer({ minimum: 0 }),
  lastSeq: Type.Integer({ minimum: 0 }),
  readSeq: Type.Integer({ minimum: 0 }),
  /** Messages after `readSeq` deleted for everyone: they no longer count as unread. */
  deletedUnread: Type.Integer({ minimum: 0 }),
  /** The conversation's last change position; after a `sync`, the client has every change up to it. */
  lastChangeSeq: Type.Integer({ minimum: 0 }),
  /**
   * The user's total over all conversations when this frame was made. Concurrent sends to several
   * conversations can leave it briefly behind; a client holding the whole list should sum `unread`.
   */
  total: Type.Integer({ minimum: 0 }),
});

/** A member's read cursor moved (the peer's, for "seen"; or the user's own, from another tab). */
export const ReadReceiptFrame = Type.Object({
  type: Type.Literal('read'),
  conversationId: Id,
  userId: Id,
  seq: Type.Integer({ minimum: 0 }),
});

export const TypingEventFrame = Type.Object({
  type: Type.Literal('typing'),
  conversationId: Id,
  userId: Id,
});

export const PresenceFrame = Type.Object({
  type: Type.Literal('presence'),
  userId: Id,
  presence: Presence,
});

/**
 * The user blocked (or unblocked) someone, on this or another tab or device: update the list of
 * blocked people. Only the one who blocks is told; the blocked person gets no frame.
 */
export const BlockChangedFrame = Type.Object({
  type: Type.Literal('block_changed'),
  userId: Id,
  /** True when `userId` is now blocked by the user, false once unblocked. */
  blocked: Type.Boolean(),
});

/**
 * Someone you share a conversation with (or you, on another tab) changed their display name or
 * picture: replace what you show for `profile.id`.
 */
export const ProfileFrame = Type.Object({
  type: Type.Literal('profile'),
  profile: UserProfile,
});

/** The user deleted a conversation for themselves (on another tab or device): drop it from the list. */
export const ConversationHiddenFrame = Type.Object({
  type: Type.Literal('conversation_hidden'),
  conversationId: Id,
});

/** The user muted or unmuted a conversation (on any connection or device): take `muted` as its state. */
export const ConversationMutedFrame = Type.Object({
  type: Type.Literal('conversation_muted'),
  conversationId: Id,
  muted: Type.Boolean(),
});

/** A peer deleted their account: show them as this user (`deleted: true`); sending to them is refused now. */
export const UserDeletedFrame = Type.Object({
  type: Type.Literal('user_deleted'),
  user: PublicUser,
});

/** The server may have missed events for this connection (e.g. its bus reconnected): send `sync` now. */
export const ResyncFrame = Type.Object({
  type: Type.Literal('resync'),
  reason: Type.String(),
});

/** The end of a `sync` answer: every missed message has been sent before it. */
export const SyncedFrame = Type.Object({
  type: Type.Literal('synced'),
  serverTime: Timestamp,
  /** True when more was missed than a sync carries: reload conversations over REST. */
  truncated: Type.Boolean(),
  /**
   * Per conversation the sync covered, the change position up to which the client now has every
   * change: its change cursor for the next `sync`. Only conversations whose cursor had a
   * `changeSeq`, or that the client had no cursor for; empty when `truncated`.
   */
  changeSeqs: Type.Array(Type.Object({ conversationId: Id, changeSeq: Type.Integer({ minimum: 0 }) })),
});

/** A request failed; the connection stays open unless a close frame follows. */
export const ErrorFrame = Type.Object({
  type: Type.Literal('error'),
  code: Type.String(),
  message: Type.String(),
  /** The `type` of the client frame this answers, when known. */
  frame: Type.Optional(Type.String()),
  /** The `clientId` of the `send`, `edit`, `delete` or `react` this answers, when it was one. */
  clientId: Type.Optional(Type.String()),
});

export const ServerFrame = Type.Union([
  ReadyFrame,
  PongFrame,
  MessageFrame,
  AckFrame,
  MessageChangedFrame,
  ChangeAckFrame,
  MessageHiddenFrame,
  UnreadFrame,
  ReadReceiptFrame,
  TypingEventFrame,
  PresenceFrame,
  ProfileFrame,
  ConversationHiddenFrame,
  BlockChangedFrame,
  ConversationMutedFrame,
  UserDeletedFrame,
  ResyncFrame,
  SyncedFrame,
  ErrorFrame,
]);
export type ServerFrame = Static<typeof ServerFrame>;
export type ServerFrameType = ServerFrame['type'];
export type ServerFrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;
