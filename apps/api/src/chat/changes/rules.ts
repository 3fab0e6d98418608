import { isSingleEmoji } from '@chat/protocol';
import { AppError } from '../../http/errors.ts';

/** A change to a message: what the client asks for, as a state rather than a toggle. */
export type Change =
  | { kind: 'edit'; messageId: number; text: string }
  | { kind: 'delete'; messageId: number }
  | { kind: 'react'; messageId: number; emoji: string; on: boolean };

/** What the rules look at of the message, read under the conversation's lock. */
export interface Target {
  senderId: number;
  createdAt: number;
  deleted: boolean;
  hasAttachment: boolean;
}

/**
 * Who may change what, and when; throws the refusal. Your own messages only, within the window, for
 * edits and deletes; reactions by either member at any time; nothing but a repeated delete on a
 * deleted message, so that a delete resent after a lost answer succeeds.
 */
export function checkChange(change: Change, target: Target, userId: number, now: number, editWindowMs: number): void {
  if (change.kind === 'react') {
    if (!isSingleEmoji(change.emoji)) throw new AppError(400, 'invalid_reaction', 'A reaction is one emoji.');
    if (target.deleted) throw deletedAlready();
    return;
  }
  if (target.senderId !== userId) {
    throw new AppError(403, 'not_own_message', 'You can only edit or delete your own messages.');
  }
  if (change.kind === 'delete' && target.deleted) return;
  if (target.deleted) throw deletedAlready();
  if (now - target.createdAt > editWindowMs) {
    throw new AppError(403, 'edit_window_passed', 'This message is too old to be edited or deleted.');
  }
  if (change.kind === 'edit' && change.text.trim() === '' && !target.hasAttachment) {
    throw new AppError(400, 'empty_message', 'Write something first, or delete the message.');
  }
}

const deletedAlready = () => new AppError(409, 'message_deleted', 'This message was deleted.');
