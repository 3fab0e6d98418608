import { ApiError } from '@chat/client';
import type { PublicUser } from '@chat/protocol';
import { useId, useState } from 'react';
import { presenceText } from '../lib/time.ts';
import { useNow } from '../lib/use-now.ts';
import { Avatar, usePresence } from './Avatar.tsx';
import { openConversationWith } from './actions.ts';
import { useBlocked } from './Blocking.tsx';
import { PersonName } from './PersonName.tsx';
import { nameOf } from './profiles.ts';
import { type DirectoryResults, useDirectory } from './use-directory.ts';

/** Everyone one can talk to, searchable by username; choosing someone opens the conversation. */
export function Directory({ onOpened }: { onOpened(): void }) {
  const [query, setQuery] = useState('');
  const [openError, setOpenError] = useState<string>();
  const directory = useDirectory(query);
  const searchId = useId();

  const open = async (user: PublicUser) => {
    setOpenError(undefined);
    try {
      await openConversationWith(user.id);
      onOpened();
    } catch (error) {
      // A refusal (someone who blocked you) says so in the server's words; anything else may pass.
      setOpenError(
        error instanceof ApiError && error.status === 403
          ? error.message
          : `The conversation with ${nameOf(user)} could not be opened. Try again.`,
      );
    }
  };

  return (
    <div className="directory">
      <div className="search">
        <label htmlFor={searchId} className="sr-only">
          Search people
        </label>
        <input
          id={searchId}
          type="search"
          className="input"
          placeholder="Search people by username"
          autoComplete="off"
          spellCheck={false}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      {openError && (
        <p className="list-note form-error" role="alert">
          {openError}
        </p>
      )}
      <ul className="rows" aria-label="People" aria-busy={directory.loading}>
        {directory.users.map((user) => (
          <li key={user.id}>
            <PersonRow user={user} onOpen={() => void open(user)} />
          </li>
        ))}
      </ul>
      <DirectoryFooter directory={directory} query={query} />
    </div>
  );
}

function PersonRow({ user, onOpen }: { user: PublicUser; onOpen(): void }) {
  const now = useNow();
  const presence = usePresence(user.id, user.presence);
  const blocked = useBlocked(user.id);
  const status = blocked ? 'Blocked' : user.isBot ? 'Robot' : presenceText(presence, now);
  return (
    <button type="button" className="row" onClick={onOpen} data-testid={`person-${user.username}`}>
      <Avatar user={user} presence={user.presence} />
      <span className="row-main">
        <span className="row-top">
          <PersonName user={user} />
        </span>
        <span className="row-bottom">
          <span className={`row-preview${blocked ? ' blocked' : ''}`}>{status}</span>
        </span>
      </span>
    </button>
  );
}

function DirectoryFooter({ directory, query }: { directory: DirectoryResults; query: string }) {
  if (directory.error) {
    return (
      <p className="list-note" role="alert">
        {directory.error}
      </p>
    );
  }
  if (directory.loading) return <p className="list-note">Searching…</p>;
  if (directory.users.length === 0) {
    return (
      <p className="list-note">{query.trim() ? `No one is called “${query.trim()}…”.` : 'No one else is here yet.'}</p>
    );
  }
  if (!directory.hasMore) return null;
  return (
    <div className="list-note">
      <button type="button" className="button" onClick={directory.loadMore}>
        Show more people
      </button>
    </div>
  );
}
