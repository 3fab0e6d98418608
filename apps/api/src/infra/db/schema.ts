import type { Generated } from 'kysely';

/**
 * The database as the app's queries see it. Kept in step with migrations/ by hand; the migration
 * test compares both dialects' real schemas, so a drift shows up there first.
 * Times are milliseconds since the epoch; flags are 0/1 integers.
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  tokens: TokensTable;
  mail_outbox: MailOutboxTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  uploads: UploadsTable;
  reactions: ReactionsTable;
  hidden_messages: HiddenMessagesTable;
  two_factor: TwoFactorTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
  auth_challenges: AuthChallengesTable;
  blocks: BlocksTable;
  retired_usernames: RetiredUsernamesTable;
  identities: IdentitiesTable;
  pending_identities: PendingIdentitiesTable;
  message_search: MessageSearchTable;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  email: string;
  password_hash: string;
  email_verified_at: number | null;
  read_receipts: Generated<number>;
  is_bot: Generated<number>;
  /** 1: mail me about messages I missed while away. */
  missed_mail: Generated<number>;
  last_seen_at: number | null;
  /** Set when the account was deleted: the row stays for the messages that point at it, emptied. */
  deleted_at: number | null;
  display_name: string | null;
  /** The picture's id, from which its storage key follows (`avatarKey`). */
  avatar_id: string | null;
  /** An address change waiting for the link mailed to it. */
  pending_email: string | null;
  /** 'everyone' | 'conversations' | 'nobody' */
  presence_visibility: Generated<string>;
  /** The presence version when the visibility last changed: what those who may not see are shown. */
  presence_hidden_version: Generated<number>;
  created_at: number;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  /** 'browser' (cookie) or 'token' (a bearer token: the robot, scripts, other clients). */
  kind: Generated<string>;
  /** As last seen, truncated; null for sessions from before devices were recorded. */
  user_agent: string | null;
  ip: string | null;
  last_active_at: number | null;
}

export interface TokensTable {
  hash: string;
  user_id: number;
  purpose: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface MailOutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  claimed_by: string | null;
  claimed_until: number | null;
  sent_at: number | null;
  last_error: string | null;
  /** Extra headers as a JSON object (List-Unsubscribe), or null. */
  headers: string | null;
  created_at: number;
}

export interface ConversationsTable {
  id: Generated<number>;
  user_low_id: number;
  user_high_id: number;
  last_seq: Generated<number>;
  last_change_seq: Generated<number>;
  updated_at: number;
  created_at: number;
}

export interface ConversationMembersTable {
  conversation_id: number;
  user_id: number;
  peer_id: number;
  read_seq: Generated<number>;
  cleared_seq: Generated<number>;
  hidden: Generated<number>;
  deleted_unread: Generated<number>;
  /** The last seq a missed-message mail covered, and when it was queued. */
  missed_mail_seq: Generated<number>;
  missed_mail_at: number | null;
  /** 1: this member muted the conversation (no notification, mail or title count). */
  muted: Generated<number>;
}

export interface MessagesTable {
  id: Generated<number>;
  conversation_id: number;
  seq: number;
  sender_id: number;
  client_id: string;
  text: string;
  attachment_id: string | null;
  created_at: number;
  reply_to_id: number | null;
  edited_at: number | null;
  deleted_at: number | null;
  change_seq: Generated<number>;
}

export interface ReactionsTable {
  message_id: number;
  user_id: number;
  /** `emojiKey` of the emoji. */
  emoji_key: string;
  created_at: number;
}

/** What search finds a message by (search/tokens.ts); indexed FULLTEXT on MySQL, by FTS5 on SQLite. */
export interface MessageSearchTable {
  message_id: number;
  tokens: string;
}

export interface HiddenMessagesTable {
  user_id: number;
  message_id: number;
}

/** `blocker_id` blocks `blocked_id`: neither can send to the other, and neither sees the other's presence. */
export interface BlocksTable {
  blocker_id: number;
  blocked_id: number;
  created_at: number;
}

export interface UploadsTable {
  id: string;
  uploader_id: number;
  content_type: string;
  width: number;
  height: number;
  size: number;
  blob_key: string;
  thumbnail_key: string;
  created_at: number;
}

export interface TwoFactorTable {
  user_id: number;
  /** The TOTP secret, encrypted (`two-factor/secret-box.ts`). */
  secret: string;
  /** The last TOTP time step accepted: a code of it or of an earlier one is refused. */
  last_time_step: number | null;
  /** Null while setup waits for its first code. */
  enabled_at: number | null;
  created_at: number;
}

export interface RecoveryCodesTable {
  code_hash: string;
  user_id: number;
  used_at: number | null;
  created_at: number;
}

export interface PasskeysTable {
  id: Generated<number>;
  user_id: number;
  /** base64url, as WebAuthn names it. */
  credential_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  counter: number;
  /** JSON array of the authenticator's transports, or null. */
  transports: string | null;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface AuthChallengesTable {
  challenge_hash: string;
  purpose: string;
  user_id: number | null;
  expires_at: number;
}

/** Usernames of deleted accounts, kept so that nobody can sign up as them. */
export interface RetiredUsernamesTable {
  username: string;
  retired_at: number;
}

/** A provider account linked to a user: `subject` is the provider's `sub` claim. */
export interface IdentitiesTable {
  provider: string;
  subject: string;
  user_id: number;
  created_at: number;
}

/** A provider account with no user yet, waiting for its owner to choose a username or link an account. */
export interface PendingIdentitiesTable {
  /** sha256 of the token in the browser's signed cookie. */
  id_hash: string;
  provider: string;
  subject: string;
  email: string;
  /** 1 when the provider said `email_verified: true`. */
  email_verified: number;
  name: string | null;
  created_at: number;
  expires_at: number;
}
