/**
 * A token bucket per user on this node: bursts pass (pasting a few lines), floods do not. Kept in
 * memory rather than Redis because it guards every send and a network round trip there would cost
 * more than it protects; a user spread over several nodes gets that many buckets.
 */
export class UserLimiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token; false when the user is over the limit. */
  take(userId: number): boolean {
    const now = this.now();
    const bucket = this.buckets.get(userId) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(userId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets full buckets, which hold nothing a fresh bucket would not. */
  prune(): void {
    const now = this.now();
    for (const [userId, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(userId);
    }
  }
}
