/** The first retry comes quickly (a blip, a node restart); later ones spread out so a dead server is not hammered. */
export const RECONNECT_MIN_MS = 300;
export const RECONNECT_MAX_MS = 15_000;

/**
 * A send the server could not vouch for (its database or bus failed) is tried again on an open
 * connection: the first soon, as most such failures are a failover of a second or two; the cap is
 * longer than the reconnect's, since the connection works and only the server's back end is down.
 */
export const RESEND_MIN_MS = 500;
export const RESEND_MAX_MS = 30_000;

/**
 * Delay before retry `attempt` (0-based): exponential from `minMs`, capped at `maxMs`, with jitter
 * between half and all of it, so that thousands of clients failed at once do not come back at the
 * same instant.
 */
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}

export const reconnectDelay = (attempt: number, random?: () => number) =>
  backoffDelay(attempt, RECONNECT_MIN_MS, RECONNECT_MAX_MS, random);

export const resendDelay = (attempt: number, random?: () => number) =>
  backoffDelay(attempt, RESEND_MIN_MS, RESEND_MAX_MS, random);
