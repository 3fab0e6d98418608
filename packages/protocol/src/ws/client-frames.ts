import Type, { type Static } from 'typebox';
import { Id, Timestamp } from '../entities.ts';
import { MESSAGE_CHANGES } from '../message-changes.ts';
import { WS_LIMITS } from './limits.ts';

const ClientId = Type.String({ minLength: 1, maxLength: WS_LIMITS.maxClientIdLength });

/** Keep-alive from the client; the server answers `pong` with the same `ref`. */
export const PingFrame = Type.Object(
  { type: Type.Literal('ping'), ref: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);

/**
 * Send a message. Name the conversation, or the peer's user id to open it on first contact.
 * Retrying with the same `clientId` never stores a second message: the server acks the first.
 */
export const SendFrame = Type.Object(
  {
    type: Type.Literal('send'),
    clientId: ClientId,
    conversationId: Type.Optional(Id),
    userId: Type.Optional(Id),
    text: Type.String({ maxLength: WS_LIMITS.maxTextLength }),
    /** An upload id from `POST /api/uploads`; the message then may have empty text. */
    attachmentId: Type.Optional(Type.String({ maxLength: 64 })),
    /** The id of an earlier message of the same conversation that this one answers. */
    replyToId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

/**
 * Replace the text of one of your own messages, within the edit window. Changes are answered by
 * `change_ack` with the same `clientId`, or an `error` carrying it. Each change frame states the
 * state it wants rather than a toggle, so a resend after a lost answer does no harm.
 */
export const EditFrame = Type.Object(
  {
    type: Type.Literal('edit'),
    clientId: ClientId,
    messageId: Id,
    text: Type.String({ maxLength: WS_LIMITS.maxTextLength }),
  },
  { additionalProperties: false },
);

/**
 * Delete one of your own messages for everyone (within the edit window), or, with
 * `forEveryone: false`, any message of the conversation for yourself only.
 */
export const DeleteFrame = Type.Object(
  {
    type: Type.Literal('delete'),
    clientId: ClientId,
    messageId: Id,
    forEveryone: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** Add (`on: true`) or take back (`on: false`) your reaction with one emoji to a message. */
export const ReactFrame = Type.Object(
  {
    type: Type.Literal('react'),
    clientId: ClientId,
    messageId: Id,
    emoji: Type.String({ minLength: 1, maxLength: MESSAGE_CHANGES.maxEmojiLength }),
    on: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** Mark everything up to `seq` as read in a conversation. Cursors never move backwards. */
export const ReadFrame = Type.Object(
  { type: Type.Literal('read'), conversationId: Id, seq: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

/** The user is typing; send at most every few seconds while they type. */
export const TypingFrame = Type.Object(
  { type: Type.Literal('typing'), conversationId: Id },
  { additionalProperties: false },
);

/**
 * Ask for what was missed while disconnected. `cursors` holds, per known conversation, the highest
 * seq the client has; `since` is the `serverTime` of the last frame the client processed, so
 * conversations the client has never seen are found too.
 */
export const SyncFrame = Type.Object(
  {
    type: Type.Literal('sync'),
    cursors: Type.Array(
      Type.Object({
        conversationId: Id,
        seq: Type.Integer({ minimum: 0 }),
        /**
         * The change position up to which the client has every change of this conversation (the
         * `lastChangeSeq` of its last `unread`, or the last change it got without a gap). With it,
         * the answer carries `message_changed` for every message changed after it; without it, none.
         */
        changeSeq: Type.Optional(Type.Integer({ minimum: 0 })),
      }),
      { maxItems: 1000 },
    ),
    since: Timestamp,
  },
  { additionalProperties: false },
);

/** Replace the set of users whose presence this connection wants to hear about (directory view). */
export const WatchPresenceFrame = Type.Object(
  { type: Type.Literal('watch_presence'), userIds: Type.Array(Id, { maxItems: 200 }) },
  { additionalProperties: false },
);

export const ClientFrame = Type.Union([
  PingFrame,
  SendFrame,
  EditFrame,
  DeleteFrame,
  ReactFrame,
  ReadFrame,
  TypingFrame,
  SyncFrame,
  WatchPresenceFrame,
]);
export type ClientFrame = Static<typeof ClientFrame>;
export type ClientFrameType = ClientFrame['type'];
export const CLIENT_FRAME_SCHEMAS = {
  ping: PingFrame,
  send: SendFrame,
  edit: EditFrame,
  delete: DeleteFrame,
  react: ReactFrame,
  read: ReadFrame,
  typing: TypingFrame,
  sync: SyncFrame,
  watch_presence: WatchPresenceFrame,
} as const satisfies Record<ClientFrameType, unknown>;
