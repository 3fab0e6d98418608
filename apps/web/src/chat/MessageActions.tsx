import { ChangeError } from '@chat/client';
import { MESSAGE_CHANGES, type Message } from '@chat/protocol';
import { useEffect, useRef, useState } from 'react';
import { deleteForEveryone, deleteForMe, toggleReaction } from './actions.ts';
import { EmojiPicker, noteEmoji } from './EmojiPicker.tsx';

/** What the message menu asks of the conversation: to quote a message or edit it in the composer. */
export interface MessageIntents {
  reply(message: Message): void;
  edit(message: Message): void;
}

/** Whether the sender may still edit or delete the message (the server has the last word). */
export const changeable = (message: Message, myId: number, now: number) =>
  message.senderId === myId &&
  message.deletedAt === null &&
  now - message.createdAt < MESSAGE_CHANGES.defaultEditWindowMs;

/** Why a change was refused, for the person; the message is already back as it was. */
export const refusal = (error: unknown) =>
  error instanceof ChangeError ? error.message : 'That did not work. Try again.';

/**
 * The menu of a stored message, shown on hover or focus (or a long press, which opens it through the
 * context menu): reply, react, edit and delete. Changes show at once; a refused one rolls back and
 * says why.
 */
export function MessageActions({
  message,
  myId,
  intents,
}: {
  message: Message;
  myId: number;
  intents: MessageIntents;
}) {
  const [open, setOpen] = useState(false);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string>();
  const menuButton = useRef<HTMLButtonElement>(null);
  const deleted = message.deletedAt !== null;
  const mayChange = changeable(message, myId, Date.now());
  const close = (then: () => void) => {
    setError(undefined);
    setOpen(false);
    setPicking(false);
    then();
  };
  // Esc closes an open menu, and focus goes back to its button.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      setPicking(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  const run = (change: Promise<unknown>) => close(() => change.catch((reason: unknown) => setError(refusal(reason))));

  return (
    <div className={`message-actions${open ? ' open' : ''}`}>
      <button
        ref={menuButton}
        type="button"
        className="icon-button message-menu-button"
        aria-expanded={open}
        aria-label="Message actions"
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open && (
        <fieldset className="message-menu">
          <legend className="sr-only">Message actions</legend>
          {!deleted && (
            <button type="button" onClick={() => close(() => intents.reply(message))}>
              Reply
            </button>
          )}
          {!deleted && (
            <button type="button" aria-expanded={picking} onClick={() => setPicking(!picking)}>
              React
            </button>
          )}
          {mayChange && (
            <button type="button" onClick={() => close(() => intents.edit(message))}>
              Edit
            </button>
          )}
          {mayChange && (
            <button type="button" onClick={() => run(deleteForEveryone(message))}>
              Delete for everyone
            </button>
          )}
          <button type="button" onClick={() => run(deleteForMe(message))}>
            Delete for me
          </button>
          {picking && (
            <EmojiPicker
              userId={myId}
              onPick={(emoji) => {
                noteEmoji(myId, emoji);
                run(toggleReaction(message, emoji));
              }}
            />
          )}
        </fieldset>
      )}
      {error && (
        <p className="failed" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Each emoji with its count; who reacted shows on hover and focus and is read out; a press toggles mine. */
export function Reactions({ message, myId, peerName }: { message: Message; myId: number; peerName: string }) {
  const [error, setError] = useState<string>();
  if (message.reactions.length === 0) return null;
  const names = (userIds: number[]) => userIds.map((id) => (id === myId ? 'you' : peerName)).join(' and ');
  return (
    <ul className="reactions" aria-label="Reactions">
      {message.reactions.map((reaction) => (
        <li key={reaction.emoji}>
          <button
            type="button"
            className="reaction"
            aria-pressed={reaction.userIds.includes(myId)}
            aria-label={`${reaction.emoji} ${reaction.count}: ${names(reaction.userIds)}`}
            title={names(reaction.userIds)}
            onClick={() => {
              setError(undefined);
              toggleReaction(message, reaction.emoji).catch((reason: unknown) => setError(refusal(reason)));
            }}
          >
            {reaction.emoji} <span className="count">{reaction.count}</span>
          </button>
        </li>
      ))}
      {error && (
        <li className="failed" role="alert">
          {error}
        </li>
      )}
    </ul>
  );
}
