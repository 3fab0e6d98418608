import { ApiError } from '@chat/client';
import { SEARCH_LIMITS, type SearchResult } from '@chat/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api.ts';
import { endedSession } from '../session/session.ts';

/** Waits for a pause in typing, so that a word typed quickly is one request (and the rate limit is never near). */
const SEARCH_DEBOUNCE_MS = 300;

export interface MessageSearch {
  results: SearchResult[];
  loading: boolean;
  error: string | undefined;
  hasMore: boolean;
  loadMore(): void;
}

/** The user's messages matching a query, in one conversation or all, page by page, newest first. */
export function useMessageSearch(query: string, conversationId: number | undefined): MessageSearch {
  const [results, setResults] = useState<SearchResult[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  // Answers to a search the user has since changed are dropped.
  const searchId = useRef(0);
  const q = query.trim();

  const fetchPage = useCallback(
    async (search: number, cursor?: string) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await api.search({ q, conversationId, cursor });
        if (search !== searchId.current) return;
        setResults((shown) => (cursor ? [...shown, ...page.results] : page.results));
        setNextCursor(page.nextCursor);
      } catch (caught) {
        if (search !== searchId.current || endedSession(caught)) return;
        // The server's refusals (too long, too fast, empty) say what to do in words fit for people.
        setError(caught instanceof ApiError ? caught.message : 'The search failed. Try again.');
      }
      setLoading(false);
    },
    [q, conversationId],
  );

  useEffect(() => {
    const search = ++searchId.current;
    setResults([]);
    setNextCursor(null);
    setError(undefined);
    if (!q) {
      setLoading(false);
      return;
    }
    if ([...q].length > SEARCH_LIMITS.maxQueryLength) {
      setError(`Search for at most ${SEARCH_LIMITS.maxQueryLength} characters.`);
      return;
    }
    setLoading(true);
    const timer = setTimeout(() => void fetchPage(search), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [fetchPage, q]);

  const loadMore = useCallback(() => {
    if (nextCursor && !loading) void fetchPage(searchId.current, nextCursor);
  }, [fetchPage, loading, nextCursor]);

  return { results, loading, error, hasMore: nextCursor !== null, loadMore };
}
