import { type Message, WS_LIMITS } from '@chat/protocol';
import { useState } from 'react';
import { noteTyping, sendMessage, sendPictures } from './actions.ts';
import { loadDraft, saveDraft } from './drafts.ts';

export interface Draft {
  text: string;
  /** Characters left before the limit; negative past it. */
  remaining: number;
  /** Something to send, within the limit. */
  sendable: boolean;
  change(text: string): void;
  /** Sends the text, as a reply to `replyTo` when given. */
  send(replyTo?: Message): void;
  /** Sends pictures, with the text (if sendable) as the caption of the first. */
  sendPictures(files: readonly File[]): void;
}

/**
 * What is being written in a conversation. It leaves as a message, or as the caption of pictures
 * chosen in the composer or dropped anywhere on the conversation, which is why it lives above both.
 * Until then it is saved, so that it is still there after switching conversations or a reload.
 */
export function useDraft(userId: number, conversationId: number): Draft {
  const [text, setText] = useState(() => loadDraft(userId, conversationId));
  const remaining = WS_LIMITS.maxTextLength - text.length;
  const sendable = text.trim() !== '' && remaining >= 0;
  const keep = (next: string) => {
    setText(next);
    saveDraft(userId, conversationId, next);
  };
  return {
    text,
    remaining,
    sendable,
    change(next) {
      keep(next);
      if (next.trim() !== '') noteTyping(conversationId);
    },
    send(replyTo) {
      if (!sendable) return;
      sendMessage(conversationId, text.trim(), replyTo);
      keep('');
    },
    sendPictures(files) {
      if (files.length === 0) return;
      void sendPictures(conversationId, files, sendable ? text.trim() : '');
      if (sendable) keep('');
    },
  };
}
