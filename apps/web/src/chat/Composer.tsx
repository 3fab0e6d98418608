import { WS_LIMITS } from '@chat/protocol';
import { useEffect, useId, useRef, useState } from 'react';
import { SendIcon } from '../ui/icons.tsx';
import { noteTyping, sendMessage } from './actions.ts';

/** The character count shows only near the limit, where it helps. */
const SHOW_COUNT_WITHIN = 500;

/** Enter sends, Shift+Enter starts a new line. */
export function Composer({ conversationId, peerName }: { conversationId: number; peerName: string }) {
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const inputId = useId();
  const countId = useId();
  const remaining = WS_LIMITS.maxTextLength - text.length;
  const showCount = remaining <= SHOW_COUNT_WITHIN;
  const sendable = text.trim() !== '' && remaining >= 0;

  useEffect(() => input.current?.focus(), []);

  const send = () => {
    if (!sendable) return;
    sendMessage(conversationId, text.trim());
    setText('');
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
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
        onChange={(event) => {
          setText(event.target.value);
          if (event.target.value.trim() !== '') noteTyping(conversationId);
        }}
        onKeyDown={(event) => {
          if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
          event.preventDefault();
          send();
        }}
      />
      <button type="submit" className="button primary send" disabled={!sendable}>
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
