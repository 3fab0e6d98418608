import type { ConversationSummary, Me } from '@chat/protocol';
import { useEffect, useId, useState } from 'react';
import { Link } from '../lib/router.tsx';
import { presenceText } from '../lib/time.ts';
import { useNow } from '../lib/use-now.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { BackIcon, TrashIcon } from '../ui/icons.tsx';
import { Avatar, usePresence } from './Avatar.tsx';
import { deleteConversation, showConversation } from './actions.ts';
import { BlockButton, BlockedNote, useBlocked } from './Blocking.tsx';
import { Composer, type ComposerTarget } from './Composer.tsx';
import { changeable, type MessageIntents } from './MessageActions.tsx';
import { MessageList } from './MessageList.tsx';
import { MuteButton } from './MuteButton.tsx';
import { nameOf, usePeerName, useProfile } from './profiles.ts';
import { chatStore, useChat } from './store.ts';
import { useDraft } from './use-draft.ts';
import { usePictureDrop } from './use-picture-drop.ts';

export function ConversationPane({ id, me }: { id: number; me: Me }) {
  const summary = useChat((state) => state.conversations[id]);
  const error = useChat((state) => state.histories[id]?.error);
  const titleId = useId();
  const draft = useDraft(me.id, id);
  const drop = usePictureDrop(draft.sendPictures);
  // Kept with its conversation: what was being answered or edited belongs to the one it was in.
  const [targeted, setTargeted] = useState<{ id: number; target: ComposerTarget }>();
  const target = targeted?.id === id ? targeted.target : undefined;
  const setTarget = (next: ComposerTarget | undefined) => setTargeted(next && { id, target: next });
  const peerName = usePeerName(summary?.peer);
  const blocked = useBlocked(summary?.peer.id ?? 0);
  const intents: MessageIntents = {
    reply: (message) =>
      setTarget({ kind: 'reply', message, author: message.senderId === me.id ? 'yourself' : peerName }),
    edit: (message) => setTarget({ kind: 'edit', message }),
  };
  const editLast = () => {
    const now = Date.now();
    const last = chatStore.get().histories[id]?.messages.findLast((m) => changeable(m, me.id, now));
    if (last) setTarget({ kind: 'edit', message: last });
  };

  useEffect(() => showConversation(id), [id]);

  if (!summary) {
    return (
      <div className="pane-note">
        {error ? (
          <>
            <p role="alert">{error}</p>
            <Link href="/">Back to your conversations</Link>
          </>
        ) : (
          <p>Loading…</p>
        )}
      </div>
    );
  }
  return (
    <section className="conversation" aria-labelledby={titleId} {...drop.handlers}>
      <ConversationHeader summary={summary} titleId={titleId} />
      <MessageList summary={summary} myId={me.id} intents={intents} />
      {summary.peer.deleted ? (
        <p className="composer-closed" role="status">
          This account was deleted. You can read your conversation, but nothing more can be sent.
        </p>
      ) : blocked ? (
        <BlockedNote peer={summary.peer} />
      ) : (
        <Composer
          draft={draft}
          peerName={peerName}
          target={target}
          onCancelTarget={() => setTarget(undefined)}
          onEditLast={editLast}
        />
      )}
      {drop.dragging && (
        <p className="drop-hint" aria-hidden="true">
          Drop pictures to send them to {peerName}
        </p>
      )}
    </section>
  );
}

function ConversationHeader({ summary, titleId }: { summary: ConversationSummary; titleId: string }) {
  const { peer } = summary;
  const profile = useProfile(peer);
  const peerName = nameOf(profile);
  const now = useNow();
  const presence = usePresence(peer.id, peer.presence);
  const typing = useChat((state) => state.typingUntil[summary.id] !== undefined);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string>();

  const confirmDelete = async () => {
    setDeleting(true);
    setDeleteError(undefined);
    try {
      await deleteConversation(summary.id);
    } catch {
      setDeleteError('The conversation could not be deleted. Try again.');
      setDeleting(false);
    }
  };

  return (
    <header className="pane-header">
      <Link href="/" className="icon-button back">
        <BackIcon />
        <span className="sr-only">Back to conversations</span>
      </Link>
      <Avatar user={peer} presence={peer.presence} />
      <div className="pane-title">
        <h2 id={titleId}>
          {peerName}
          {profile.displayName !== null && <span className="pane-handle"> @{peer.username}</span>}
        </h2>
        <p className={`pane-status${typing && presence ? ' typing' : ''}`}>
          {typing && presence ? 'typing…' : presenceText(presence, now)}
        </p>
      </div>
      <BlockButton peer={peer} />
      <MuteButton summary={summary} />
      <button type="button" className="icon-button" title="Delete conversation" onClick={() => setConfirming(true)}>
        <TrashIcon />
        <span className="sr-only">Delete conversation</span>
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Delete your conversation with ${peerName}?`}
          confirmLabel="Delete"
          busyLabel="Deleting…"
          busy={deleting}
          error={deleteError}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            The messages so far disappear from your side only: {peerName} keeps their copy. If either of you writes
            again, the conversation comes back, empty.
          </p>
        </ConfirmDialog>
      )}
    </header>
  );
}
