/** The first retry comes quickly (a blip, a node restart); later ones spread out so a dead server is not hammered. */
export const RECONNECT_MIN_MS = 300;
export const RECONNECT_MAX_MS = 15_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter between half
 * and all of it, so that thousands of clients dropped at once do not come back at the same instant.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}
