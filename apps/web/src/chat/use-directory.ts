import type { PublicUser } from '@chat/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api.ts';
import { endedSession } from '../session/session.ts';
import { notePresence, watchPresence } from './actions.ts';

/** Waits for a pause in typing before asking the server, so a name typed quickly is one request. */
const SEARCH_DEBOUNCE_MS = 250;

export interface DirectoryResults {
  users: PublicUser[];
  loading: boolean;
  error: string | undefined;
  hasMore: boolean;
  loadMore(): void;
}

/** The users matching a search, page by page; their presence is watched while they are on screen. */
export function useDirectory(query: string): DirectoryResults {
  const [users, setUsers] = useState<PublicUser[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  // Answers to a search the user has since changed are dropped.
  const searchId = useRef(0);

  const fetchPage = useCallback(
    async (search: number, cursor?: string) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await api.directory({ query: query.trim() || undefined, cursor });
        if (search !== searchId.current) return;
        notePresence(page.users);
        setUsers((shown) => (cursor ? [...shown, ...page.users] : page.users));
        setNextCursor(page.nextCursor);
      } catch (caught) {
        if (search !== searchId.current || endedSession(caught)) return;
        setError('People could not be loaded.');
      }
      setLoading(false);
    },
    [query],
  );

  useEffect(() => {
    const search = ++searchId.current;
    const timer = setTimeout(() => void fetchPage(search), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [fetchPage]);

  useEffect(() => watchPresence(users.map((user) => user.id)), [users]);
  useEffect(() => () => watchPresence([]), []);

  const loadMore = useCallback(() => {
    if (nextCursor && !loading) void fetchPage(searchId.current, nextCursor);
  }, [fetchPage, loading, nextCursor]);

  return { users, loading, error, hasMore: nextCursor !== null, loadMore };
}
