import type { Me } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { useAttentionBadge } from '../notifications/use-attention-badge.ts';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { ConversationPane } from './ConversationPane.tsx';
import { startChat } from './portal.ts';
import { Sidebar } from './Sidebar.tsx';

/** The signed-in app: the sidebar and the open conversation side by side, or one at a time on a phone. */
export function ChatScreen({ me, conversationId }: { me: Me; conversationId: number | null }) {
  const [started, setStarted] = useState(false);
  useAttentionBadge();

  // Children call the portal as they mount, so they mount only once it runs.
  useEffect(() => {
    const stop = startChat(me.id);
    setStarted(true);
    return () => {
      stop();
      setStarted(false);
    };
  }, [me.id]);

  if (!started) return null;
  return (
    <div className="chat-layout" data-view={conversationId === null ? 'list' : 'conversation'}>
      <ConnectionBanner />
      <Sidebar me={me} activeId={conversationId} />
      <main className="pane">
        {conversationId === null ? (
          <div className="pane-note">
            <h2>Your messages</h2>
            <p>Pick a conversation, or find someone under People.</p>
          </div>
        ) : (
          <ConversationPane key={conversationId} id={conversationId} me={me} />
        )}
      </main>
    </div>
  );
}
