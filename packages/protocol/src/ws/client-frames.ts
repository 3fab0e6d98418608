import Type, { type Static } from 'typebox';
import { Id, Timestamp } from '../entities.ts';
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
    cursors: Type.Array(Type.Object({ conversationId: Id, seq: Type.Integer({ minimum: 0 }) }), {
      maxItems: 1000,
    }),
    since: Timestamp,
  },
  { additionalProperties: false },
);

/** Replace the set of users whose presence this connection wants to hear about (directory view). */
export const WatchPresenceFrame = Type.Object(
  { type: Type.Literal('watch_presence'), userIds: Type.Array(Id, { maxItems: 200 }) },
  { additionalProperties: false },
);

export const ClientFrame = Type.Union([PingFrame, SendFrame, ReadFrame, TypingFrame, SyncFrame, WatchPresenceFrame]);
export type ClientFrame = Static<typeof ClientFrame>;
export type ClientFrameType = ClientFrame['type'];
export const CLIENT_FRAME_SCHEMAS = {
  ping: PingFrame,
  send: SendFrame,
  read: ReadFrame,
  typing: TypingFrame,
  sync: SyncFrame,
  watch_presence: WatchPresenceFrame,
} as const satisfies Record<ClientFrameType, unknown>;
