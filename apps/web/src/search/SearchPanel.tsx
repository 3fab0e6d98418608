import type { SearchResult } from '@chat/protocol';
import { useEffect, useId, useRef, useState } from 'react';
import { Avatar } from '../chat/Avatar.tsx';
import { PersonName } from '../chat/PersonName.tsx';
import { navigate } from '../lib/router.tsx';
import { fullTime, timeAgo } from '../lib/time.ts';
import { useNow } from '../lib/use-now.ts';
import { Highlighted } from './Highlighted.tsx';
import { type MessageSearch, useMessageSearch } from './use-message-search.ts';

/**
 * Search over my messages: all conversations, or the open one. Choosing a result opens its
 * conversation at the message (`?at=seq`), which the message list scrolls to and highlights.
 * `focusRequest` grows each time the shortcut asks for the box.
 */
export function SearchPanel({ activeId, focusRequest }: { activeId: number | null; focusRequest: number }) {
  const [query, setQuery] = useState('');
  const [onlyOpen, setOnlyOpen] = useState(false);
  const inThis = onlyOpen && activeId !== null;
  const search = useMessageSearch(query, inThis ? activeId : undefined);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: focusRequest is the trigger itself
  useEffect(() => input.current?.focus(), [focusRequest]);

  const open = (result: SearchResult) => navigate(`/c/${result.conversationId}?at=${result.seq}`);

  return (
    <div className="directory message-search">
      <div className="search">
        <label htmlFor={inputId} className="sr-only">
          Search messages
        </label>
        <input
          id={inputId}
          ref={input}
          type="search"
          className="input"
          placeholder="Search messages (Ctrl+K)"
          autoComplete="off"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        {activeId !== null && (
          <label className="search-scope">
            <input type="checkbox" checked={onlyOpen} onChange={(event) => setOnlyOpen(event.target.checked)} />
            Only in the open conversation
          </label>
        )}
      </div>
      <ul className="rows" aria-label="Messages found" aria-busy={search.loading}>
        {search.results.map((result) => (
          <li key={result.messageId}>
            <ResultRow result={result} onOpen={() => open(result)} />
          </li>
        ))}
      </ul>
      <SearchFooter search={search} query={query.trim()} />
    </div>
  );
}

function ResultRow({ result, onOpen }: { result: SearchResult; onOpen(): void }) {
  const now = useNow();
  const { peer } = result;
  return (
    <button type="button" className="row" onClick={onOpen} data-testid="search-result">
      <Avatar user={peer} presence={peer.presence} />
      <span className="row-main">
        <span className="row-top">
          <PersonName user={peer} />
          <time
            className="row-time"
            dateTime={new Date(result.createdAt).toISOString()}
            title={fullTime(result.createdAt)}
          >
            {timeAgo(result.createdAt, now)}
          </time>
        </span>
        <span className="row-bottom">
          <span className="row-preview search-snippet">
            <Highlighted text={result.snippet} highlights={result.highlights} />
          </span>
        </span>
      </span>
    </button>
  );
}

function SearchFooter({ search, query }: { search: MessageSearch; query: string }) {
  if (search.error) {
    return (
      <p className="list-note" role="alert">
        {search.error}
      </p>
    );
  }
  if (!query) return <p className="list-note">Find a message by its words, in any of your conversations.</p>;
  if (search.loading) return <p className="list-note">Searching…</p>;
  if (search.results.length === 0) return <p className="list-note">No message has “{query}”.</p>;
  if (!search.hasMore) return null;
  return (
    <div className="list-note">
      <button type="button" className="button" onClick={search.loadMore}>
        Show older messages
      </button>
    </div>
  );
}
