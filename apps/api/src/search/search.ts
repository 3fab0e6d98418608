import { type PublicUser, SEARCH_LIMITS, type SearchQuery, type SearchResponse } from '@chat/protocol';
import { type QueryTerm, queryTerms, type SpanRange, spanOf, standsAsWritten } from '../chat/search-index/tokens.ts';
import { AppError } from '../http/errors.ts';
import type { DatabaseHandle } from '../infra/db/database.ts';
import { findHits, type Hit, newestMessageId } from './search-repository.ts';
import { snippetOf } from './snippet.ts';

const CURSOR = /^[1-9]\d{0,14}$/;

/** The query as index conditions, refused with a clear code when there is nothing to look for or too much. */
export function parseQuery(q: string) {
  if ([...q].length > SEARCH_LIMITS.maxQueryLength)
    throw new AppError(
      400,
      'search_query_too_long',
      `Search for at most ${SEARCH_LIMITS.maxQueryLength} characters: a few words find more than a paragraph.`,
    );
  const terms = queryTerms(q);
  if (terms.length === 0) throw new AppError(400, 'search_query_empty', 'Type a word to search for.');
  return terms;
}

function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!CURSOR.test(cursor)) throw new AppError(400, 'bad_request', 'That cursor is not one this server gave.');
  return Number(cursor);
}

/**
 * The spans to read, newest first: one, then two, four, eight… older ones at a time. A common word
 * fills a page from the newest span alone; a rare one is looked for over all of them in a few reads,
 * each of a short list.
 */
export function* spanSteps(newest: number): Generator<SpanRange> {
  for (let top = newest, width = 1; top >= 0; top -= width, width *= 2)
    yield { newest: top, oldest: Math.max(0, top - width + 1) };
}

/** Up to `wanted` hits, newest first, reading back span range by span range until there are enough. */
async function collectHits(
  database: DatabaseHandle,
  query: { userId: number; terms: QueryTerm[]; conversationId?: number; beforeId?: number },
  wanted: number,
): Promise<Hit[]> {
  const start = query.beforeId === undefined ? await newestMessageId(database) : query.beforeId - 1;
  const hits: Hit[] = [];
  for (const spans of spanSteps(spanOf(Math.max(0, start)))) {
    hits.push(...(await findHits(database, { ...query, spans, limit: wanted - hits.length })));
    if (hits.length >= wanted) break;
  }
  return hits;
}

/**
 * One page of the user's messages matching the query, in one conversation (whose membership the
 * caller checked) or all of theirs, newest first, each with its peer and a highlighted snippet.
 */
export async function searchMessages(
  database: DatabaseHandle,
  userId: number,
  query: SearchQuery,
  /** The peers as the searching user sees them. */
  publicUsers: (ids: readonly number[]) => Promise<PublicUser[]>,
): Promise<SearchResponse> {
  const terms = parseQuery(query.q);
  const limit = query.limit ?? SEARCH_LIMITS.defaultPageSize;
  const hits = await collectHits(
    database,
    { userId, terms, conversationId: query.conversationId, beforeId: parseCursor(query.cursor) },
    limit + 1,
  );
  const scanned = hits.slice(0, limit);
  // On MySQL a phrase's bigrams were matched one by one: keep the rows where they stand together.
  // A page may then be shorter; the cursor still moves past every row looked at.
  const page = scanned.filter((hit) => standsAsWritten(hit.text, query.q));
  const peers = new Map((await publicUsers([...new Set(page.map((hit) => hit.peer_id))])).map((p) => [p.id, p]));
  const results = page.flatMap((hit) => {
    const peer = peers.get(hit.peer_id);
    if (!peer) return [];
    return [
      {
        messageId: hit.message_id,
        conversationId: hit.conversation_id,
        seq: hit.seq,
        senderId: hit.sender_id,
        peer,
        ...snippetOf(hit.text, query.q),
        createdAt: hit.created_at,
        editedAt: hit.edited_at,
      },
    ];
  });
  const last = scanned.at(-1);
  return { results, nextCursor: hits.length > limit && last ? String(last.message_id) : null };
}
