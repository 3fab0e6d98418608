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

/**
 * Who sees a user's presence and last seen: everyone, only people they have a conversation with,
 * or nobody ("invisible"). Those who may not see it are shown the user offline with no last seen.
 */
export const PresenceVisibility = Type.Union([
  Type.Literal('everyone'),
  Type.Literal('conversations'),
  Type.Literal('nobody'),
]);
export type PresenceVisibility = Static<typeof PresenceVisibility>;

/** How a user presents themselves: the name and picture shown for them. */
export const UserProfile = Type.Object({
  id: Id,
  /** Lower-case, 3–32 of a-z 0-9 _ . - ; shown as @handle. */
  username: Type.String(),
  /** The name they chose (at most `DISPLAY_NAME_MAX` characters), or null: show the username. */
  displayName: Type.Union([Type.String(), Type.Null()]),
  /** Their picture, or null: show an initial. Fetch it at `/api/avatars/{avatarId}` (a square WebP, `AVATAR_SIZE` pixels). */
  avatarId: Type.Union([Type.String(), Type.Null()]),
});
export type UserProfile = Static<typeof UserProfile>;

/** What any signed-in user may see about another. */
export const PublicUser = Type.Object({
  ...UserProfile.properties,
  /** True for the built-in robot. */
  isBot: Type.Boolean(),
  /**
   * True once the account was deleted: show "Deleted user" instead of the username (which is then a
   * placeholder), no picture, never online; its messages stay, and nothing more can be sent to it.
   */
  deleted: Type.Boolean(),
  presence: Presence,
});
export type PublicUser = Static<typeof PublicUser>;

/** The signed-in user, as only they see themselves. */
export const Me = Type.Object({
  ...UserProfile.properties,
  email: Type.String(),
  /** An address the user asked to change to, waiting for its confirmation link to be followed; null if none. */
  pendingEmail: Type.Union([Type.String(), Type.Null()]),
  /** False until the user follows the link in the verification mail; unverified users cannot chat. */
  emailVerified: Type.Boolean(),
  /** When false the user neither sends nor sees read receipts ("seen"). */
  readReceipts: Type.Boolean(),
  /** When true, messages left unread while the user was away are mailed to them (one mail per conversation per few hours). */
  missedMail: Type.Boolean(),
  presenceVisibility: PresenceVisibility,
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

/** What a reply shows of the message it answers, as it was when the reply was read from the server. */
export const ReplyQuote = Type.Object({
  /** The quoted message, in the same conversation: scroll to it by its `seq`. */
  id: Id,
  seq: Type.Integer({ minimum: 1 }),
  senderId: Id,
  /** The start of its text (at most `MESSAGE_CHANGES.quoteLength` characters); empty once deleted. */
  snippet: Type.String(),
  /** True when the quoted message carries a picture. */
  hasAttachment: Type.Boolean(),
  /** True once the quoted message was deleted for everyone. */
  deleted: Type.Boolean(),
});
export type ReplyQuote = Static<typeof ReplyQuote>;

/** One emoji on a message: how many reacted with it and who, in the order they did. */
export const Reaction = Type.Object({
  emoji: Type.String(),
  count: Type.Integer({ minimum: 1 }),
  userIds: Type.Array(Id),
});
export type Reaction = Static<typeof Reaction>;

/**
 * A message in its current state. Every frame and page that carries a message carries all of it, so a
 * client replaces what it holds instead of applying differences: of two states of one message, keep
 * the one with the larger `changeSeq` (`newerMessage`).
 */
export const Message = Type.Object({
  id: Id,
  conversationId: Id,
  /** Position in the conversation: 1, 2, 3… strictly increasing with no gaps. */
  seq: Type.Integer({ minimum: 1 }),
  senderId: Id,
  /** The id the sending client chose; the same (sender, clientId) always names the same message. */
  clientId: Type.String(),
  /** The current text; empty once deleted. */
  text: Type.String(),
  /** Null once deleted: the picture is no longer served to anyone. */
  attachment: Type.Union([Attachment, Type.Null()]),
  createdAt: Timestamp,
  /** When the text was last edited; null if never. */
  editedAt: Type.Union([Timestamp, Type.Null()]),
  /** When the sender deleted it for everyone; null while it stands. Shown as "This message was deleted". */
  deletedAt: Type.Union([Timestamp, Type.Null()]),
  /** The message this one answers, or null. */
  replyTo: Type.Union([ReplyQuote, Type.Null()]),
  /** Reactions by emoji, in the order each emoji first appeared. */
  reactions: Type.Array(Reaction),
  /**
   * The conversation's change position of this message's latest change (edit, delete, reaction);
   * 0 while it never changed. Change positions are 1, 2, 3… per conversation, apart from `seq`.
   */
  changeSeq: Type.Integer({ minimum: 0 }),
});
export type Message = Static<typeof Message>;

/** Of two presence states of one user, the one to keep. */
export const newerPresence = (a: Presence, b: Presence): Presence => (b.version > a.version ? b : a);

/** Of two states of one message, the one to keep: changes only ever raise `changeSeq`. */
export const newerMessage = (a: Message, b: Message): Message => (b.changeSeq > a.changeSeq ? b : a);
