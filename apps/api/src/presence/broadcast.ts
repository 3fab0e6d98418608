import type { Presence, PresenceVisibility } from '@chat/protocol';
import type { Bus } from '../infra/bus/index.ts';

/** Who may see a user's presence, carried with each change so that no node has to ask the database. */
export interface Audience {
  visibility: PresenceVisibility;
  /** The version of what those who may not see it are shown. */
  hiddenVersion: number;
}

/**
 * What presence tells every node: a user's new state, that a user now watches others, or that two
 * users now do (`hidden: false`) or do not see each other across a block, with the new versions of
 * both states (the order of `userIds`; null when the store could not give them). A change with
 * `audienceChanged` (the user changed who sees it) is also told, as hidden, to the watchers who may
 * no longer see it; any other change reaches only those who may.
 */
export type PresenceMessage =
  | { kind: 'change'; userId: number; presence: Presence; audience: Audience; audienceChanged?: boolean }
  | { kind: 'watch'; userId: number; watchedIds: number[] }
  | { kind: 'block'; userIds: [number, number]; hidden: boolean; versions: [number, number] | null };

type Sent = PresenceMessage & { origin: string };

/** What a kept message replaces: an older change of the user, the same watch, the pair's earlier block news. */
function keyOf(message: PresenceMessage): string {
  if (message.kind === 'change') return `c:${message.userId}`;
  if (message.kind === 'watch') return `w:${message.userId}:${message.watchedIds.join(',')}`;
  return `b:${[...message.userIds].sort((a, b) => a - b).join(',')}`;
}

export const PRESENCE_CHANNEL = 'presence';
/** A message the bus refused is tried again this often, until it goes. */
const RETRY_MS = 1000;
/** Messages kept for a retry at most; a longer outage ends in every node's snapshot anyway. */
const MAX_RETRIES_KEPT = 10_000;

/**
 * Presence messages to this node (at once) and to the others (through the bus). A message the bus
 * refuses is kept and sent again until it goes: a node that resubscribed earlier and took its
 * snapshot before this change would otherwise never hear of it. Versions make late and repeated
 * changes harmless; for each user only the newest change is kept.
 */
export class PresenceBroadcast {
  private readonly retries = new Map<string, Sent>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly origin: string,
    private readonly apply: (message: PresenceMessage) => void,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  async listen(): Promise<void> {
    await this.bus.subscribe(PRESENCE_CHANNEL, (payload) => {
      const message = payload as Sent;
      if (message.origin !== this.origin) this.apply(message);
    });
  }

  send(message: PresenceMessage): void {
    this.apply(message);
    if (this.bus.reachesOtherNodes) this.publish({ ...message, origin: this.origin });
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private publish(sent: Sent): void {
    this.bus.publish(PRESENCE_CHANNEL, sent).catch((error: unknown) => {
      this.keep(sent);
      this.onFailure(error);
    });
  }

  private keep(sent: Sent): void {
    const key = keyOf(sent);
    const kept = this.retries.get(key);
    if (kept?.kind === 'change' && sent.kind === 'change' && kept.presence.version > sent.presence.version) return;
    if (this.retries.size < MAX_RETRIES_KEPT || kept) this.retries.set(key, sent);
    this.timer ??= setTimeout(() => this.retry(), RETRY_MS);
    this.timer.unref();
  }

  private retry(): void {
    this.timer = undefined;
    const due = [...this.retries.values()];
    this.retries.clear();
    for (const sent of due) this.publish(sent);
  }
}
