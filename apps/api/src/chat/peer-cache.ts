import type { Db } from '../infra/db/database.ts';
import { requireMembership } from './conversations.ts';

/** Bound of the cache; past it, it starts over (a node rarely sees this many typing pairs). */
const MAX_ENTRIES = 100_000;

/** Members of a conversation never change, so the peer a typing frame goes to is remembered. */
export class PeerCache {
  private readonly peers = new Map<string, number>();

  constructor(private readonly db: Db) {}

  async peerOf(conversationId: number, userId: number): Promise<number> {
    const key = `${conversationId}:${userId}`;
    const cached = this.peers.get(key);
    if (cached !== undefined) return cached;
    const membership = await requireMembership(this.db, conversationId, userId);
    if (this.peers.size > MAX_ENTRIES) this.peers.clear();
    this.peers.set(key, membership.peerId);
    return membership.peerId;
  }
}
