import Type, { type Static } from 'typebox';
import { Id, PublicUser, Timestamp } from '../entities.ts';

/** Limits of message search, shared so that clients can respect them before the server refuses. */
export const SEARCH_LIMITS = {
  /**
   * Longest query, in code points: a few words or a phrase is what people look for; longer queries
   * cost the index more (every word is one more posting list to intersect) and find nothing more.
   * Past it: `search_query_too_long`.
   */
  maxQueryLength: 100,
  /** Results per page when the client does not say, and the most it may ask for. */
  defaultPageSize: 20,
  maxPageSize: 50,
  /**
   * Searches per user per minute, across nodes: a search box that searches as one types (after a
   * pause) asks a few times a second at most while typing, and nobody types for a minute on end;
   * past it `rate_limited` with Retry-After.
   */
  perMinute: 60,
} as const;

export const SearchQuery = Type.Object(
  {
    /**
     * What to look for, at most `SEARCH_LIMITS.maxQueryLength` code points. Every word must occur
     * (as a word or the start of one: "meet" finds "meeting"); a run of Chinese, Japanese or Korean
     * characters must occur as written, anywhere. Case is ignored.
     */
    q: Type.String(),
    /** Search only this conversation (404 when the caller is not in it); all of the caller's when absent. */
    conversationId: Type.Optional(Id),
    /** `nextCursor` from the previous page. */
    cursor: Type.Optional(Type.String({ maxLength: 32 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_LIMITS.maxPageSize })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

/** A part of the snippet that matched the query, in UTF-16 code units as JavaScript indexes strings. */
export const SearchHighlight = Type.Object({
  start: Type.Integer({ minimum: 0 }),
  /** Exclusive. */
  end: Type.Integer({ minimum: 0 }),
});
export type SearchHighlight = Static<typeof SearchHighlight>;

export const SearchResult = Type.Object({
  messageId: Id,
  conversationId: Id,
  /** Where the message stands in its conversation: open the conversation there. */
  seq: Type.Integer({ minimum: 1 }),
  senderId: Id,
  /** The other member of the conversation. */
  peer: PublicUser,
  /**
   * Plain text around the first match, cut at word boundaries, with "…" where it was cut. Render it
   * as text and the highlights as elements: it is never HTML.
   */
  snippet: Type.String(),
  /** Where the snippet matched, ascending and not overlapping. */
  highlights: Type.Array(SearchHighlight),
  createdAt: Timestamp,
  /** When the message was last edited (it is found by its current text), or null. */
  editedAt: Type.Union([Timestamp, Type.Null()]),
});
export type SearchResult = Static<typeof SearchResult>;

export const SearchResponse = Type.Object({
  /** Newest first. Messages deleted for everyone, or by the caller for themselves, are never found. */
  results: Type.Array(SearchResult),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type SearchResponse = Static<typeof SearchResponse>;
