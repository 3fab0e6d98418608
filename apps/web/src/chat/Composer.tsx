import { type ClipboardEvent, useEffect, useId, useRef } from 'react';
import { PictureIcon, SendIcon } from '../ui/icons.tsx';
import { PICTURE_TYPES } from './pictures.ts';
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

/** Enter sends, Shift+Enter starts a new line; pictures come from the button or a paste. */
export function Composer({ draft, peerName }: { draft: Draft; peerName: string }) {
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const countId = useId();
  const { remaining } = draft;
  const showCount = remaining <= SHOW_COUNT_WITHIN;

  useEffect(() => input.current?.focus(), []);

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        draft.send();
      }}
    >
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
        value={draft.text}
        aria-describedby={showCount ? countId : undefined}
        aria-invalid={remaining < 0}
        onChange={(event) => draft.change(event.target.value)}
        onPaste={(event) => {
          const pictures = pastedPictures(event);
          if (pictures.length === 0) return;
          event.preventDefault();
          draft.sendPictures(pictures);
        }}
        onKeyDown={(event) => {
          if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
          event.preventDefault();
          draft.send();
        }}
      />
      <button type="submit" className="button primary send" disabled={!draft.sendable}>
        <SendIcon />
        <span className="sr-only">Send</span>
      </button>
      {showCount && (
        <p id={countId} className={`char-count${remaining < 0 ? ' over' : ''}`} aria-live="polite">
          {remaining < 0 ? `${-remaining} characters over the limit` : `${remaining} characters left`}
        </p>
      )}
    </form>
  );
}
