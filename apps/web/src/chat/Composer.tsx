import { type Message, WS_LIMITS } from '@chat/protocol';
import { type ClipboardEvent, useEffect, useId, useRef, useState } from 'react';
import { PictureIcon, SendIcon } from '../ui/icons.tsx';
import { editMessage } from './actions.ts';
import { refusal } from './MessageActions.tsx';
import { messagePreview, PICTURE_TYPES } from './pictures.ts';
import type { Draft } from './use-draft.ts';

/** The character count shows only near the limit, where it helps. */
const SHOW_COUNT_WITHIN = 500;

/**
 * Pictures from the clipboard. Copying from an office document puts both its text and a picture of it
 * there: with text present, the paste is the text.
 */
function pastedPictures(event: ClipboardEvent): File[] {
  const data = event.clipboardData;
  return data.types.includes('text/plain') ? [] : [...data.files];
}

/** What the composer is doing besides writing a new message: answering one, or editing one of mine. */
export type ComposerTarget = { kind: 'reply'; message: Message; author: string } | { kind: 'edit'; message: Message };

interface ComposerProps {
  draft: Draft;
  peerName: string;
  target?: ComposerTarget;
  /** Esc, Cancel, or done: back to writing a new message. */
  onCancelTarget(): void;
  /** ↑ in an empty composer: edit my last message. */
  onEditLast(): void;
}

/**
 * Enter sends, Shift+Enter starts a new line; pictures come from the button or a paste. A reply
 * shows what it answers above the input; an edit takes the input over with the message's text
 * (the draft waits), Enter saves and Esc cancels.
 */
export function Composer({ draft, peerName, target, onCancelTarget, onEditLast }: ComposerProps) {
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const countId = useId();
  const editing = target?.kind === 'edit' ? target.message : undefined;
  const [editText, setEditText] = useState('');
  const [editError, setEditError] = useState<string>();
  const text = editing ? editText : draft.text;
  const remaining = editing ? WS_LIMITS.maxTextLength - editText.length : draft.remaining;
  const showCount = remaining <= SHOW_COUNT_WITHIN;

  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    setEditText(editing?.text ?? '');
    setEditError(undefined);
    if (target) input.current?.focus();
  }, [editing, target]);

  const submit = () => {
    if (!editing) {
      if (!draft.sendable) return;
      draft.send(target?.kind === 'reply' ? target.message : undefined);
      onCancelTarget();
      return;
    }
    const edited = editText.trim();
    if ((edited === '' && !editing.attachment) || remaining < 0) return;
    if (edited !== editing.text) editMessage(editing, edited).catch((error: unknown) => setEditError(refusal(error)));
    onCancelTarget();
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {target && (
        <div className="composer-target">
          <p>
            {target.kind === 'reply' ? (
              <>
                Replying to <strong>{target.author}</strong>:{' '}
                <span className="quote-text">{messagePreview(target.message)}</span>
              </>
            ) : (
              'Editing your message'
            )}
          </p>
          <button type="button" className="link-button" onClick={onCancelTarget}>
            {target.kind === 'reply' ? 'Cancel reply' : 'Cancel edit'}
          </button>
        </div>
      )}
      {editError && (
        <p className="failed composer-error" role="alert">
          {editError}
        </p>
      )}
      <button
        type="button"
        className="icon-button attach"
        title="Add a picture"
        onClick={() => picker.current?.click()}
      >
        <PictureIcon />
        <span className="sr-only">Add a picture</span>
      </button>
      <input
        ref={picker}
        type="file"
        accept={PICTURE_TYPES}
        multiple
        hidden
        onChange={(event) => {
          draft.sendPictures([...(event.target.files ?? [])]);
          // The same file chosen again is a new picture to send.
          event.target.value = '';
        }}
      />
      <label htmlFor={inputId} className="sr-only">
        Message {peerName}
      </label>
      <textarea
        ref={input}
        id={inputId}
        className="input composer-input"
        rows={1}
        placeholder={`Message ${peerName}`}
        value={text}
        aria-describedby={showCount ? countId : undefined}
        aria-invalid={remaining < 0}
        onChange={(event) => (editing ? setEditText(event.target.value) : draft.change(event.target.value))}
        onPaste={(event) => {
          const pictures = pastedPictures(event);
          if (pictures.length === 0) return;
          event.preventDefault();
          draft.sendPictures(pictures);
        }}
        onKeyDown={(event) => {
          if (event.nativeEvent.isComposing) return;
          if (event.key === 'Escape' && target) {
            event.preventDefault();
            onCancelTarget();
          } else if (event.key === 'ArrowUp' && !target && draft.text === '') {
            event.preventDefault();
            onEditLast();
          } else if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            submit();
          }
        }}
      />
      <button type="submit" className="button primary send" disabled={editing ? remaining < 0 : !draft.sendable}>
        <SendIcon />
        <span className="sr-only">{editing ? 'Save' : 'Send'}</span>
      </button>
      {showCount && (
        <p id={countId} className={`char-count${remaining < 0 ? ' over' : ''}`} aria-live="polite">
          {remaining < 0 ? `${-remaining} characters over the limit` : `${remaining} characters left`}
        </p>
      )}
    </form>
  );
}
