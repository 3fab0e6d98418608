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
  created_at: number;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
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
