import Type, { type Static } from 'typebox';

/** Database ids are positive integers. */
export const Id = Type.Integer({ minimum: 1 });

/** Milliseconds since the Unix epoch, as the server's clock saw it. */
export const Timestamp = Type.Integer({ minimum: 0 });

export const Presence = Type.Object({
  /** True while at least one connection of the user is alive on any node (or within the grace period). */
  online: Type.Boolean(),
  /** When the user was last seen online; null while online or if never seen. */
  lastSeenAt: Type.Union([Timestamp, Type.Null()]),
  /**
   * Orders the changes of one user's presence: of two states for a user (a live event and a
   * snapshot that overtook it, frames from different nodes), keep the one with the larger version.
   * It grows with every change and with time, so it stays ordered across node and Redis restarts.
   */
  version: Type.Integer({ minimum: 0 }),
});
export type Presence = Static<typeof Presence>;

/** What any signed-in user may see about another. */
export const PublicUser = Type.Object({
  id: Id,
  /** Lower-case, 3–32 of a-z 0-9 _ . - */
  username: Type.String(),
  /** True for the built-in robot. */
  isBot: Type.Boolean(),
  presence: Presence,
});
export type PublicUser = Static<typeof PublicUser>;

/** The signed-in user, as only they see themselves. */
export const Me = Type.Object({
  id: Id,
  username: Type.String(),
  email: Type.String(),
  /** False until the user follows the link in the verification mail; unverified users cannot chat. */
  emailVerified: Type.Boolean(),
  /** When false the user neither sends nor sees read receipts ("seen"). */
  readReceipts: Type.Boolean(),
  /** When true, messages left unread while the user was away are mailed to them (one mail per conversation per few hours). */
  missedMail: Type.Boolean(),
});
export type Me = Static<typeof Me>;

export const Attachment = Type.Object({
  /** Opaque id; fetch the file at `/api/uploads/{id}` and its thumbnail at `/api/uploads/{id}/thumbnail`. */
  id: Type.String(),
  /** One of image/jpeg, image/png, image/gif, image/webp. */
  contentType: Type.String(),
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
  /** Size in bytes of the stored (metadata-stripped) file. */
  size: Type.Integer({ minimum: 0 }),
});
export type Attachment = Static<typeof Attachment>;

export const Message = Type.Object({
  id: Id,
  conversationId: Id,
  /** Position in the conversation: 1, 2, 3… strictly increasing with no gaps. */
  seq: Type.Integer({ minimum: 1 }),
  senderId: Id,
  /** The id the sending client chose; the same (sender, clientId) always names the same message. */
  clientId: Type.String(),
  text: Type.String(),
  attachment: Type.Union([Attachment, Type.Null()]),
  createdAt: Timestamp,
});
export type Message = Static<typeof Message>;

/** Of two presence states of one user, the one to keep. */
export const newerPresence = (a: Presence, b: Presence): Presence => (b.version > a.version ? b : a);
