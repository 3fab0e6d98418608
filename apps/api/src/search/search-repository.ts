import { sql } from 'kysely';
import { fts5Match, mysqlMatch, type QueryTerm, type SearchScope } from '../chat/search-index/tokens.ts';
import type { DatabaseHandle } from '../infra/db/database.ts';

export interface Hit {
  message_id: number;
  conversation_id: number;
  seq: number;
  sender_id: number;
  peer_id: number;
  text: string;
  created_at: number;
  edited_at: number | null;
}

export interface HitQuery extends SearchScope {
  /** What the user typed. */
  terms: readonly QueryTerm[];
  /** Only messages with a smaller id: the page after the one that ended there. */
  beforeId?: number;
  limit: number;
}

/**
 * Messages the index matches, newest (largest id) first, as the user sees them: what they deleted
 * for themselves, one message ("hidden") or the history up to a point ("cleared"), is left out
 * here, since the peer still finds it. Deleted-for-everyone messages have no index row at all.
 */
/** The newest message's id, where a search with no cursor starts. */
export async function newestMessageId(database: DatabaseHandle): Promise<number> {
  const row = await database.db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

export async function findHits(database: DatabaseHandle, query: HitQuery): Promise<Hit[]> {
  const { userId, beforeId, limit } = query;
  const mysql = database.dialect === 'mysql';
  const source = mysql
    ? sql`message_search s inner join messages msg on msg.id = s.message_id`
    : sql`message_search_fts s inner join messages msg on msg.id = s.rowid`;
  const id = mysql ? sql.ref('s.message_id') : sql.ref('s.rowid');
  const match = mysql
    ? sql`match (s.tokens) against (${mysqlMatch(query.terms, query)} in boolean mode)`
    : sql`message_search_fts match ${fts5Match(query.terms, query)}`;
  const { rows } = await sql<Hit>`
    select msg.id as message_id, msg.conversation_id, msg.seq, msg.sender_id, m.peer_id, msg.text,
      msg.created_at, msg.edited_at
    from ${source}
    inner join conversation_members m on m.conversation_id = msg.conversation_id and m.user_id = ${userId}
    where ${match}
      and msg.deleted_at is null
      and msg.seq > m.cleared_seq
      and not exists (select 1 from hidden_messages h where h.user_id = ${userId} and h.message_id = msg.id)
      ${beforeId === undefined ? sql`` : sql`and ${id} < ${beforeId}`}
    order by ${id} desc
    limit ${limit}`.execute(database.db);
  return rows.map((row) => ({
    ...row,
    created_at: Number(row.created_at),
    edited_at: row.edited_at === null ? null : Number(row.edited_at),
  }));
}
