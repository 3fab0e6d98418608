import type { Me } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { Link } from '../lib/router.tsx';
import { NotificationPrompt } from '../notifications/NotificationPrompt.tsx';
import { SearchPanel } from '../search/SearchPanel.tsx';
import { logOut } from '../session/session.ts';
import { ProfilePicture } from './Avatar.tsx';
import { ConversationList } from './ConversationList.tsx';
import { Directory } from './Directory.tsx';
import { nameOf } from './profiles.ts';

type Tab = 'chats' | 'people' | 'search';

/** Ctrl+K (Cmd+K on a Mac) opens message search from anywhere, as in Slack and Telegram. */
const isSearchShortcut = (event: KeyboardEvent) =>
  event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;

/** My conversations, the people directory and message search, one at a time; on a phone this is the first screen. */
export function Sidebar({ me, activeId }: { me: Me; activeId: number | null }) {
  const [tab, setTab] = useState<Tab>('chats');
  const [searchFocus, setSearchFocus] = useState(0);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isSearchShortcut(event)) return;
      event.preventDefault();
      setTab('search');
      setSearchFocus((n) => n + 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <nav className="sidebar" aria-label="Conversations and people">
      <header className="sidebar-header">
        <h1 className="brand">Chat</h1>
        <span className="me" title={me.email}>
          <span className="me-picture">
            <ProfilePicture user={me} />
          </span>
          {nameOf(me)}
        </span>
        <Link href="/settings" className="button quiet">
          Settings
        </Link>
        <button type="button" className="button quiet" onClick={() => void logOut()}>
          Log out
        </button>
      </header>
      <fieldset className="tabs">
        <legend className="sr-only">Show</legend>
        <TabButton tab="chats" current={tab} onSelect={setTab}>
          Chats
        </TabButton>
        <TabButton tab="people" current={tab} onSelect={setTab}>
          People
        </TabButton>
        <TabButton tab="search" current={tab} onSelect={setTab}>
          Search
        </TabButton>
      </fieldset>
      <NotificationPrompt userId={me.id} />
      <div className="sidebar-body">
        {tab === 'chats' && <ConversationList myId={me.id} activeId={activeId} onFindPeople={() => setTab('people')} />}
        {tab === 'people' && <Directory onOpened={() => setTab('chats')} />}
        {tab === 'search' && <SearchPanel activeId={activeId} focusRequest={searchFocus} />}
      </div>
    </nav>
  );
}

function TabButton({
  tab,
  current,
  onSelect,
  children,
}: {
  tab: Tab;
  current: Tab;
  onSelect(tab: Tab): void;
  children: string;
}) {
  return (
    <button type="button" className="tab" aria-pressed={tab === current} onClick={() => onSelect(tab)}>
      {children}
    </button>
  );
}
