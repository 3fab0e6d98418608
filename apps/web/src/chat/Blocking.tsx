import type { PublicUser } from '@chat/protocol';
import { useState } from 'react';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { BlockIcon } from '../ui/icons.tsx';
import { setBlocked } from './actions.ts';
import { useChat } from './store.ts';

export const useBlocked = (userId: number) => useChat((state) => state.blocked[userId] === true);

/** In the conversation header: block (after a question that says what it does), or unblock at once. */
export function BlockButton({ peer }: { peer: PublicUser }) {
  const blocked = useBlocked(peer.id);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const change = async (next: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      await setBlocked(peer.id, next);
      setConfirming(false);
    } catch {
      setError(next ? `${peer.username} could not be blocked. Try again.` : 'Unblocking failed. Try again.');
    } finally {
      setBusy(false);
    }
  };

  if (blocked) {
    return (
      <button type="button" className="button quiet" disabled={busy} onClick={() => void change(false)}>
        Unblock
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        className="icon-button"
        title={`Block ${peer.username}`}
        onClick={() => setConfirming(true)}
      >
        <BlockIcon />
        <span className="sr-only">Block {peer.username}</span>
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Block ${peer.username}?`}
          confirmLabel="Block"
          busyLabel="Blocking…"
          busy={busy}
          error={error}
          onConfirm={() => void change(true)}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {peer.username} will not be able to message you or see when you are online, typing or have read their
            messages, and you will not see theirs. You keep the conversation, and can unblock them at any time.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Where the composer was, while I block the peer: why I cannot write, and the way back. */
export function BlockedNote({ peer }: { peer: PublicUser }) {
  const [error, setError] = useState<string>();
  const unblock = async () => {
    setError(undefined);
    try {
      await setBlocked(peer.id, false);
    } catch {
      setError('Unblocking failed. Try again.');
    }
  };
  return (
    <div className="blocked-note" role="status">
      <p>You blocked {peer.username}. Unblock them to send messages.</p>
      <button type="button" className="button" onClick={() => void unblock()}>
        Unblock {peer.username}
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
