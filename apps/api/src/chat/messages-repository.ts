import { type Attachment, MESSAGE_CHANGES, type Message, type Reaction, type ReplyQuote } from '@chat/protocol';
import type { Selectable } from 'kysely';
import type { Db, DialectName } from '../infra/db/database.ts';
import type { MessagesTable } from '../infra/db/schema.ts';
import { runText } from '../infra/db/statement-text.ts';
import { toAttachment } from '../uploads/uploads-repository.ts';
import { emojiOfKey } from './reaction-key.ts';

type MessageRow = Selectable<MessagesTable>;
type MessageWithUploadRow = MessageRow & {
  upload_type: string | null;
  upload_width: number | null;
  upload_height: number | null;
  upload_size: number | null;
};

/** Messages with their picture, if any, in one query. */
const messagesWithUploads = (db: Db) =>
  db
    .selectFrom('messages')
    .leftJoin('uploads', 'uploads.id', 'messages.attachment_id')
    .selectAll('messages')
    .select([
      'uploads.content_type as upload_type',
      'uploads.width as upload_width',
      'uploads.height as upload_height',
      'uploads.size as upload_size',
    ]);

/** The one place a message row becomes a protocol message. */
export function toMessage(
  row: MessageRow,
  attachment: Attachment | null,
  replyTo: ReplyQuote | null,
  reactions: Reaction[],
): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    text: row.text,
    attachment,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    replyTo,
    reactions,
    changeSeq: row.change_seq,
  };
}

type QuotedRow = Pick<MessageRow, 'id' | 'seq' | 'sender_id' | 'text' | 'attachment_id' | 'deleted_at'>;

/** What a reply shows of the message it answers: nothing of a deleted one's text. */
export function toQuote(row: QuotedRow): ReplyQuote {
  const deleted = row.deleted_at !== null;
  return {
    id: row.id,
    seq: row.seq,
    senderId: row.sender_id,
    // By code points, so that an emoji is never cut in half.
    snippet: deleted ? '' : [...row.text].slice(0, MESSAGE_CHANGES.quoteLength).join(''),
    hasAttachment: !deleted && row.attachment_id !== null,
    deleted,
  };
}

function attachmentOf(row: MessageWithUploadRow): Attachment | null {
  return row.attachment_id !== null && row.upload_type !== null
    ? toAttachment({
        id: row.attachment_id,
        content_type: row.upload_type,
        width: row.upload_width ?? 1,
        height: row.upload_height ?? 1,
        size: row.upload_size ?? 0,
      })
    : null;
}

/** Reactions of some messages, grouped by message and emoji in the order they were given. */
async function reactionsOf(db: Db, messageIds: number[]): Promise<Map<number, Reaction[]>> {
  const byMessage = new Map<number, Reaction[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .selectFrom('reactions')
    .select(['message_id', 'user_id', 'emoji_key'])
    .where('message_id', 'in', messageIds)
    .orderBy('created_at')
    .orderBy('user_id')
    .execute();
  for (const row of rows) {
    const reactions = byMessage.get(row.message_id) ?? [];
    byMessage.set(row.message_id, reactions);
    const emoji = emojiOfKey(row.emoji_key);
    const same = reactions.find((r) => r.emoji === emoji);
    if (same) {
      same.count++;
      same.userIds.push(row.user_id);
    } else reactions.push({ emoji, count: 1, userIds: [row.user_id] });
  }
  return byMessage;
}

const quotedColumns = ['id', 'seq', 'sender_id', 'text', 'attachment_id', 'deleted_at'] as const;

async function findQuotes(db: Db, ids: number[]): Promise<Map<number, ReplyQuote>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('messages').select(quotedColumns).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, toQuote(row)]));
}

/** The quote of a message of this conversation; undefined when the conversation has no such message. */
export async function findQuoteIn(db: Db, conversationId: number, id: number): Promise<ReplyQuote | undefined> {
  const row = await db
    .selectFrom('messages')
    .select(quotedColumns)
    .where('id', '=', id)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return row && toQuote(row);
}

/** Rows in their whole current state: picture, quote and reactions, in two more queries for any number. */
async function withState(db: Db, rows: MessageWithUploadRow[]): Promise<Message[]> {
  const replyIds = [...new Set(rows.flatMap((row) => (row.reply_to_id === null ? [] : [row.reply_to_id])))];
  const [quotes, reactions] = await Promise.all([
    findQuotes(db, replyIds),
    reactionsOf(
      db,
      rows.filter((row) => row.deleted_at === null).map((row) => row.id),
    ),
  ]);
  return rows.map((row) =>
    toMessage(
      row,
      attachmentOf(row),
      row.reply_to_id === null ? null : (quotes.get(row.reply_to_id) ?? null),
      reactions.get(row.id) ?? [],
    ),
  );
}

export async function findByClientId(db: Db, senderId: number, clientId: string): Promise<Message | undefined> {
  const row = await messagesWithUploads(db)
    .where('messages.sender_id', '=', senderId)
    .where('messages.client_id', '=', clientId)
    .executeTakeFirst();
  return row && (await withState(db, [row]))[0];
}

export async function findById(db: Db, id: number): Promise<Message | undefined> {
  const row = await messagesWithUploads(db).where('messages.id', '=', id).executeTakeFirst();
  return row && (await withState(db, [row]))[0];
}

/** The messages at the given (conversation, seq) positions, e.g. each conversation's last. */
async function findAt(db: Db, positions: Array<{ conversationId: number; seq: number }>): Promise<Message[]> {
  if (positions.length === 0) return [];
  const rows = await messagesWithUploads(db)
    .where((eb) =>
      eb.or(
        positions.map((p) =>
          eb.and([eb('messages.conversation_id', '=', p.conversationId), eb('messages.seq', '=', p.seq)]),
        ),
      ),
    )
    .execute();
  return withState(db, rows);
}

/**
 * The last message a member still sees in each conversation: the one at `seq` unless they deleted
 * it for themselves, then the newest before it (and after `after`, their cleared history) they did not.
 */
export async function lastVisibleMessages(
  db: Db,
  viewerId: number,
  positions: Array<{ conversationId: number; seq: number; after: number }>,
): Promise<Message[]> {
  const found = await findAt(db, positions);
  if (found.length === 0) return found;
  const hiddenRows = await db
    .selectFrom('hidden_messages')
    .select('message_id')
    .where('user_id', '=', viewerId)
    .where(
      'message_id',
      'in',
      found.map((message) => message.id),
    )
    .execute();
  const hidden = new Set(hiddenRows.map((row) => row.message_id));
  const visible: Message[] = [];
  for (const message of found) {
    if (!hidden.has(message.id)) {
      visible.push(message);
      continue;
    }
    const after = positions.find((p) => p.conversationId === message.conversationId)?.after ?? 0;
    const [before] = await listMessages(db, message.conversationId, viewerId, {
      after,
      before: message.seq,
      limit: 1,
      fromEnd: true,
    });
    if (before) visible.push(before);
  }
  return visible;
}

/** What a member sees of a conversation: all but the messages they deleted for themselves. */
const visibleTo = (db: Db, conversationId: number, viewerId: number) =>
  messagesWithUploads(db)
    .where('messages.conversation_id', '=', conversationId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('hidden_messages as h')
            .select('h.message_id')
            .whereRef('h.message_id', '=', 'messages.id')
            .where('h.user_id', '=', viewerId),
        ),
      ),
    );

/** Up to `limit` messages with seq in (after, before), ascending; `fromEnd` takes the newest of them. */
export async function listMessages(
  db: Db,
  conversationId: number,
  viewerId: number,
  range: { after: number; before?: number; createdSince?: number; limit: number; fromEnd: boolean },
): Promise<Message[]> {
  let query = visibleTo(db, conversationId, viewerId).where('messages.seq', '>', range.after);
  if (range.before !== undefined) query = query.where('messages.seq', '<', range.before);
  if (range.createdSince !== undefined) query = query.where('messages.created_at', '>=', range.createdSince);
  const rows = await query
    .orderBy('messages.seq', range.fromEnd ? 'desc' : 'asc')
    .limit(range.limit)
    .execute();
  if (range.fromEnd) rows.reverse();
  return withState(db, rows);
}

/** The first `limit` messages after `after` that one member sees of one conversation. */
export interface PageRequest {
  conversationId: number;
  viewerId: number;
  after: number;
  /** Only messages created at or after this time (a conversation the client has no cursor for). */
  createdSince?: number;
  limit: number;
}

/** Pages one query reads at most: its text and bound values grow with each. */
const MAX_PAGES_PER_QUERY = 100;

/**
 * One page of `listPages` as SQL text (see infra/db/statement-text.ts): what `visibleTo` reads,
 * after `after`, optionally created since a time, in seq order. Params: page index, conversation,
 * viewer, after, [createdSince], limit. A builder per page cost more than the query saved.
 */
const pageText = (createdSince: boolean) =>
  'select messages.*, uploads.content_type as upload_type, uploads.width as upload_width, ' +
  'uploads.height as upload_height, uploads.size as upload_size, ? as page_index ' +
  'from messages left join uploads on uploads.id = messages.attachment_id ' +
  'where messages.conversation_id = ? and not exists (select 1 from hidden_messages h ' +
  'where h.message_id = messages.id and h.user_id = ?) and messages.seq > ? ' +
  `${createdSince ? 'and messages.created_at >= ? ' : ''}order by messages.seq limit ?`;
const PAGE_TEXTS = { all: pageText(false), since: pageText(true) };
// MariaDB takes each page in parentheses (as derived tables it materialised every one, text column
// and all, on disk: 4.5x the CPU of the pages read one by one, where this costs the same); SQLite
// allows no parentheses in a compound select, and its derived tables are cheap.
const member = { mysql: (text: string) => `(${text})`, sqlite: (text: string) => `select * from (${text})` };

/**
 * Many pages at once, each as `listMessages` reads it (ascending): a wave of syncs asks for one
 * page each, and each page alone cost a query, a write to the database's socket and a second query
 * for its reactions. One query reads up to 100 pages, a UNION ALL of them told apart by their
 * `page_index`; their quotes and reactions come in two more for all.
 */
export async function listPages(db: Db, dialect: DialectName, requests: readonly PageRequest[]): Promise<Message[][]> {
  const rows: Array<MessageWithUploadRow & { page_index: number }> = [];
  for (let start = 0; start < requests.length; start += MAX_PAGES_PER_QUERY) {
    const texts: string[] = [];
    const parameters: unknown[] = [];
    for (const [i, r] of requests.slice(start, start + MAX_PAGES_PER_QUERY).entries()) {
      const since = r.createdSince !== undefined;
      texts.push(member[dialect](since ? PAGE_TEXTS.since : PAGE_TEXTS.all));
      parameters.push(start + i, r.conversationId, r.viewerId, r.after, ...(since ? [r.createdSince] : []), r.limit);
    }
    const result = await runText<MessageWithUploadRow & { page_index: number }>(
      db,
      texts.join(' union all '),
      parameters,
    );
    rows.push(...result.rows);
  }
  const pageOf = (row: { page_index: number }) => Number(row.page_index);
  // A union keeps no order: each page is put back in seq order.
  rows.sort((a, b) => pageOf(a) - pageOf(b) || a.seq - b.seq);
  const messages = await withState(db, rows);
  const pages = requests.map((): Message[] => []);
  for (const [i, row] of rows.entries()) pages[pageOf(row)]?.push(messages[i] as Message);
  return pages;
}

/**
 * The messages with seq in (after, upTo] changed after change position `changedAfter`, each once in
 * its current state, in change order: what a syncing client is missing of the messages it has.
 */
export async function listChanged(
  db: Db,
  conversationId: number,
  viewerId: number,
  range: { after: number; upTo: number; changedAfter: number; limit: number },
): Promise<Message[]> {
  const rows = await visibleTo(db, conversationId, viewerId)
    .where('messages.change_seq', '>', range.changedAfter)
    .where('messages.seq', '>', range.after)
    .where('messages.seq', '<=', range.upTo)
    .orderBy('messages.change_seq')
    .limit(range.limit)
    .execute();
  return withState(db, rows);
}
