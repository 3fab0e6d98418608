import type { ConversationSummary } from '@chat/protocol';
import { useMemo } from 'react';
import { Link } from '../lib/router.tsx';
import { fullTime, shortAge } from '../lib/time.ts';
import { useNow } from '../lib/use-now.ts';
import { BellOffIcon } from '../ui/icons.tsx';
import { Avatar } from './Avatar.tsx';
import { retryConversations } from './actions.ts';
import { PersonName } from './PersonName.tsx';
import { messagePreview } from './pictures.ts';
import { sortConversations } from './state.ts';
import { useChat } from './store.ts';

export function ConversationList({
  myId,
  activeId,
  onFindPeople,
}: {
  myId: number;
  activeId: number | null;
  onFindPeople(): void;
}) {
  const conversations = useChat((state) => state.conversations);
  const loaded = useChat((state) => state.listLoaded);
  const error = useChat((state) => state.listError);
  const sorted = useMemo(() => sortConversations(conversations), [conversations]);

  if (error) {
    return (
      <div className="list-note" role="alert">
        <p>{error}</p>
        <button type="button" className="button" onClick={() => void retryConversations()}>
          Try again
        </button>
      </div>
    );
  }
  if (!loaded) return <p className="list-note">Loading conversations…</p>;
  if (sorted.length === 0) {
    return (
      <div className="list-note">
        <p>No conversations yet.</p>
        <button type="button" className="button primary" onClick={onFindPeople}>
          Find people to talk to
        </button>
      </div>
    );
  }
  return (
    <ul className="rows" aria-label="Conversations">
      {sorted.map((summary) => (
        <li key={summary.id}>
          <ConversationRow summary={summary} myId={myId} active={summary.id === activeId} />
        </li>
      ))}
    </ul>
  );
}

function ConversationRow({ summary, myId, active }: { summary: ConversationSummary; myId: number; active: boolean }) {
  const now = useNow();
  const typing = useChat((state) => state.typingUntil[summary.id] !== undefined);
  const { peer, lastMessage, unread } = summary;
  // The conversation on screen is read as messages arrive; its badge would only flicker.
  const badge = active ? 0 : unread;
  const preview = typing
    ? 'typing…'
    : lastMessage
      ? `${lastMessage.senderId === myId ? 'You: ' : ''}${messagePreview(lastMessage)}`
      : 'No messages yet';
  return (
    <Link
      href={`/c/${summary.id}`}
      className={`row${badge > 0 ? ' unread' : ''}`}
      aria-current={active ? 'page' : undefined}
      data-testid={`conversation-${peer.username}`}
    >
      <Avatar user={peer} presence={peer.presence} />
      <span className="row-main">
        <span className="row-top">
          <PersonName user={peer} />
          {summary.muted && (
            <span className="row-muted" title="Muted">
              <BellOffIcon />
              <span className="sr-only">Muted</span>
            </span>
          )}
          <time
            className="row-time"
            dateTime={new Date(summary.updatedAt).toISOString()}
            title={fullTime(summary.updatedAt)}
          >
            {shortAge(summary.updatedAt, now)}
          </time>
        </span>
        <span className="row-bottom">
          <span className={`row-preview${typing ? ' typing' : ''}`}>{preview}</span>
          {badge > 0 && (
            <span className={`badge${summary.muted ? ' muted' : ''}`}>
              {badge}
              <span className="sr-only"> unread</span>
            </span>
          )}
        </span>
      </span>
    </Link>
  );
}
