import type { Message } from '@chat/protocol';

/**
 * Turns what arrives (live events from several nodes, sync answers, acks, retries) into each
 * conversation's messages exactly once and in seq order. A message ahead of a gap waits until
 * the gap fills; the owner is told about the gap so it can ask the server (sync).
 */
export class Sequencer {
  private readonly delivered = new Map<number, number>();
  private readonly waiting = new Map<number, Map<number, Message>>();

  constructor(
    private readonly deliver: (message: Message) => void,
    private readonly onGap: (conversationId: number) => void,
  ) {}

  /** The highest seq delivered (or known to the app) per conversation. */
  cursors(): Array<{ conversationId: number; seq: number }> {
    return [...this.delivered].map(([conversationId, seq]) => ({ conversationId, seq }));
  }

  /** The app already has everything up to `seq` (for instance from a history page). */
  advance(conversationId: number, seq: number): void {
    const current = this.delivered.get(conversationId);
    if (current === undefined || seq > current) this.delivered.set(conversationId, seq);
    this.flush(conversationId);
  }

  /** Forgets a conversation, e.g. deleted for this user: its history restarts after the deletion. */
  forget(conversationId: number): void {
    this.delivered.delete(conversationId);
    this.waiting.delete(conversationId);
  }

  hasGap(conversationId: number): boolean {
    return (this.waiting.get(conversationId)?.size ?? 0) > 0;
  }

  push(message: Message): void {
    const { conversationId, seq } = message;
    const last = this.delivered.get(conversationId);
    if (last === undefined) {
      // A conversation this client has not seen: start from whatever comes first, counting the
      // own messages pushOwn held back.
      const held = this.waiting.get(conversationId)?.keys() ?? [];
      this.delivered.set(conversationId, Math.min(seq, ...held) - 1);
      this.push(message);
      this.flush(conversationId);
      return;
    }
    if (seq <= last) return;
    if (seq === last + 1) {
      this.delivered.set(conversationId, seq);
      this.deliver(message);
      this.flush(conversationId);
      return;
    }
    this.hold(message);
  }

  /**
   * One's own message, from its ack. In a conversation this client has no cursor for, it may have
   * overtaken a peer's message committed in the same batch: rather than start the conversation
   * (which would make that message look old), it waits like a message past a gap, and what comes
   * next (the peer's message, or a sync) starts the conversation.
   */
  pushOwn(message: Message): void {
    if (this.delivered.has(message.conversationId) || message.seq === 1) this.push(message);
    else this.hold(message);
  }

  private hold(message: Message): void {
    let pending = this.waiting.get(message.conversationId);
    if (!pending) {
      pending = new Map();
      this.waiting.set(message.conversationId, pending);
    }
    pending.set(message.seq, message);
    this.onGap(message.conversationId);
  }

  private flush(conversationId: number): void {
    const pending = this.waiting.get(conversationId);
    if (!pending) return;
    let last = this.delivered.get(conversationId) ?? 0;
    for (const seq of [...pending.keys()].sort((a, b) => a - b)) {
      if (seq <= last) {
        pending.delete(seq);
        continue;
      }
      if (seq !== last + 1) break;
      const message = pending.get(seq);
      pending.delete(seq);
      last = seq;
      this.delivered.set(conversationId, seq);
      if (message) this.deliver(message);
    }
    if (pending.size === 0) this.waiting.delete(conversationId);
  }
}
