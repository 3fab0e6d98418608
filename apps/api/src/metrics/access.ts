import { timingSafeEqual } from 'node:crypto';
import { isLoopbackPeer } from '../mail/loopback.ts';

export type MetricsAccess = 'allowed' | 'unauthenticated' | 'forbidden';

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * With METRICS_TOKEN set, a scrape needs `Authorization: Bearer <token>` from anywhere. Without it,
 * only the machine itself may scrape (a Prometheus or an agent beside the node): connection counts
 * and error rates tell an outsider too much. The peer is the TCP peer, never X-Forwarded-For, which
 * a client writes itself.
 */
export function metricsAccess(
  token: string | undefined,
  authorization: string | undefined,
  peerAddress: string | undefined,
): MetricsAccess {
  if (token === undefined) return isLoopbackPeer(peerAddress) ? 'allowed' : 'forbidden';
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return given !== undefined && sameSecret(token, given) ? 'allowed' : 'unauthenticated';
}
