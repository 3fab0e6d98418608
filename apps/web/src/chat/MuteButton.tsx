import type { ConversationSummary } from '@chat/protocol';
import { useState } from 'react';
import { BellIcon, BellOffIcon } from '../ui/icons.tsx';
import { setConversationMuted } from './actions.ts';

/**
 * Mute or unmute, in the conversation's header: a toggle button, pressed while muted (its name stays
 * the same, as a toggle's should). A failure flips it back and says so beside it.
 */
export function MuteButton({ summary }: { summary: ConversationSummary }) {
  const [error, setError] = useState<string>();
  const toggle = async () => {
    setError(undefined);
    try {
      await setConversationMuted(summary.id, !summary.muted);
    } catch {
      setError(summary.muted ? 'Could not unmute. Try again.' : 'Could not mute. Try again.');
    }
  };
  return (
    <>
      <button
        type="button"
        className="icon-button"
        title={summary.muted ? 'Muted: no notifications. Unmute' : 'Mute: no notifications'}
        aria-label="Mute conversation"
        aria-pressed={summary.muted}
        onClick={() => void toggle()}
      >
        {summary.muted ? <BellOffIcon /> : <BellIcon />}
      </button>
      {error && (
        <p className="header-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
