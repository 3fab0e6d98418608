import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export type MetricsAccess = 'allowed' | 'unauthenticated' | 'forbidden';

/** 127.0.0.0/8, ::1, and IPv4 loopback as a dual-stack socket reports it (::ffff:127.x.y.z). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

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
  if (token === undefined) return isLoopback(peerAddress) ? 'allowed' : 'forbidden';
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return given !== undefined && sameSecret(token, given) ? 'allowed' : 'unauthenticated';
}
