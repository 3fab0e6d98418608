import Type, { type Static } from 'typebox';
import { Id, Message, PresenceVisibility, PublicUser, Timestamp } from '../entities.ts';

/** Pages are small enough to render at once and large enough to fill a tall screen. */
export const MAX_PAGE_SIZE = 100;

export const DirectoryQuery = Type.Object(
  {
    /** Username prefix, case-insensitive; empty lists everyone. */
    query: Type.Optional(Type.String({ maxLength: 32 })),
    /** `nextCursor` from the previous page. */
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  },
  { additionalProperties: false },
);
export type DirectoryQuery = Static<typeof DirectoryQuery>;

export const DirectoryResponse = Type.Object({
  /** Verified users other than the caller, by username. */
  users: Type.Array(PublicUser),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type DirectoryResponse = Static<typeof DirectoryResponse>;

export const ConversationSummary = Type.Object({
  id: Id,
  peer: PublicUser,
  /** The newest message this user can see, or null when there is none (new, or deleted for this user). */
  lastMessage: Type.Union([Message, Type.Null()]),
  /** The conversation's highest seq. */
  lastSeq: Type.Integer({ minimum: 0 }),
  /** Messages after this user's read cursor, less those deleted for everyone (`unreadCount`). */
  unread: Type.Integer({ minimum: 0 }),
  /** The conversation's last change position: pass it as the `changeSeq` of this conversation's sync cursor. */
  lastChangeSeq: Type.Integer({ minimum: 0 }),
  /** This user's read cursor. */
  readSeq: Type.Integer({ minimum: 0 }),
  /** The peer's read cursor ("seen"), or null when either side has read receipts off. */
  peerReadSeq: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  /** Time of the last message, or of the opening; the list is sorted on it, newest first. */
  updatedAt: Timestamp,
  /** This user muted the conversation: no desktop notification, no missed-message mail, no count in the tab title. */
  muted: Type.Boolean(),
});
export type ConversationSummary = Static<typeof ConversationSummary>;

export const ConversationListResponse = Type.Object({
  conversations: Type.Array(ConversationSummary),
  /** Sum of `unread` over all conversations. */
  totalUnread: Type.Integer({ minimum: 0 }),
});
export type ConversationListResponse = Static<typeof ConversationListResponse>;

export const OpenConversationBody = Type.Object({ userId: Id }, { additionalProperties: false });
export type OpenConversationBody = Static<typeof OpenConversationBody>;

export const ConversationResponse = Type.Object({ conversation: ConversationSummary });
export type ConversationResponse = Static<typeof ConversationResponse>;

export const ConversationParams = Type.Object({ id: Id });
export type ConversationParams = Static<typeof ConversationParams>;

export const HistoryQuery = Type.Object(
  {
    /** Messages with a lower seq than this, newest page first (scrolling up). */
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Messages with a higher seq than this (catching up). */
    after: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const HistoryResponse = Type.Object({
  /** In ascending seq order, whichever direction was asked for. */
  messages: Type.Array(Message),
  /** True when more messages lie further in the direction asked for. */
  hasMore: Type.Boolean(),
});
export type HistoryResponse = Static<typeof HistoryResponse>;

/** `PUT` / `DELETE /api/conversations/:id/mute`: the conversation's mute state for this user after the change. */
export const MuteResponse = Type.Object({
  conversationId: Id,
  muted: Type.Boolean(),
});
export type MuteResponse = Static<typeof MuteResponse>;

export const ReadBody = Type.Object({ seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type ReadBody = Static<typeof ReadBody>;

export const UnreadResponse = Type.Object({
  conversationId: Id,
  unread: Type.Integer({ minimum: 0 }),
  total: Type.Integer({ minimum: 0 }),
});
export type UnreadResponse = Static<typeof UnreadResponse>;

export const SettingsBody = Type.Object(
  {
    /** Off: this user neither sends nor sees read receipts. */
    readReceipts: Type.Optional(Type.Boolean()),
    /** Off: no mail about messages missed while away. */
    missedMail: Type.Optional(Type.Boolean()),
    /** Who sees this user's presence and last seen; watchers hear the change at once. */
    presenceVisibility: Type.Optional(PresenceVisibility),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SettingsBody = Static<typeof SettingsBody>;

export const WsTicketResponse = Type.Object({
  /** Connect to `/ws?ticket=…` within `expiresAt`; a ticket works once. */
  ticket: Type.String(),
  expiresAt: Timestamp,
});
export type WsTicketResponse = Static<typeof WsTicketResponse>;
