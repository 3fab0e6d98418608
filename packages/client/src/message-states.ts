import { type Message, newerMessage } from '@chat/protocol';

/** A change the user made that the server has not answered yet, as it shows meanwhile. */
type Overlay = { messageId: number; apply(message: Message): Message };

/** The message as it shows once edited, before the server confirms. */
export const edited = (message: Message, text: string, at: number): Message => ({ ...message, text, editedAt: at });

/** The message as it shows once deleted for everyone, before the server confirms. */
export const deleted = (message: Message, at: number): Message => ({
  ...message,
  text: '',
  attachment: null,
  reactions: [],
  deletedAt: at,
});

/** The message with `userId`'s reaction `emoji` added (`on`) or taken back, counts and reactors kept in step. */
export function reacted(message: Message, userId: number, emoji: string, on: boolean): Message {
  const reactions = message.reactions.map((r) =>
    r.emoji === emoji ? { ...r, userIds: r.userIds.filter((id) => id !== userId) } : r,
  );
  if (on) {
    const same = reactions.find((r) => r.emoji === emoji);
    if (same) same.userIds = [...same.userIds, userId];
    else reactions.push({ emoji, count: 0, userIds: [userId] });
  }
  return {
    ...message,
    reactions: reactions.map((r) => ({ ...r, count: r.userIds.length })).filter((r) => r.count > 0),
  };
}

/** True when `userId` has reacted to the message with `emoji`. */
export const hasReacted = (message: Message, userId: number, emoji: string): boolean =>
  message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(userId));

/**
 * What each changed message shows: the newest state the server sent (by `changeSeq`, so late and
 * repeated frames are harmless), with the user's unanswered changes laid over it. A refused change
 * is taken off again, which rolls the message back to what the server holds.
 */
export class MessageStates {
  private readonly confirmed = new Map<number, Message>();
  private readonly overlays = new Map<string, Overlay>();

  /** `show` gets a message's state each time what it shows changes. */
  constructor(private readonly show: (message: Message) => void) {}

  /** A state from the server; shown when newer than the one known. */
  confirm(message: Message): void {
    if (this.keep(message)) this.show(this.view(message.id) as Message);
  }

  /** A message the app shows already (a new message, a history page): known, not shown again. */
  note(message: Message): void {
    if (message.changeSeq > 0) this.keep(message);
  }

  /** Lays a change over `base` until `settle(clientId)`; returns the state it shows. */
  propose(clientId: string, base: Message, apply: (message: Message) => Message): Message {
    this.keep(base);
    this.overlays.set(clientId, { messageId: base.id, apply });
    const view = this.view(base.id) as Message;
    this.show(view);
    return view;
  }

  /** The server answered the change: its overlay goes, and the message shows what the server holds. */
  settle(clientId: string): void {
    const overlay = this.overlays.get(clientId);
    if (!overlay) return;
    this.overlays.delete(clientId);
    const view = this.view(overlay.messageId);
    if (view) this.show(view);
  }

  /** The message as it shows now, or undefined when it never changed in this client. */
  view(messageId: number): Message | undefined {
    const confirmed = this.confirmed.get(messageId);
    if (!confirmed) return undefined;
    let view = confirmed;
    for (const overlay of this.overlays.values()) if (overlay.messageId === messageId) view = overlay.apply(view);
    return view;
  }

  private keep(message: Message): boolean {
    const known = this.confirmed.get(message.id);
    if (known && newerMessage(known, message) === known) return false;
    this.confirmed.set(message.id, message);
    return true;
  }
}
