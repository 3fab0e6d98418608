import { BlockList, isIPv4 } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** IPv4 peers of a dual-stack socket show as ::ffff:a.b.c.d. */
const MAPPED_IPV4 = '::ffff:';

/**
 * Whether a socket's peer is this machine. Judged on the socket's own address only: a header such
 * as X-Forwarded-For is whatever the client wrote, trusted proxy or not.
 */
export function isLoopbackPeer(remoteAddress: string | undefined): boolean {
  if (!remoteAddress) return false;
  const address = remoteAddress.toLowerCase().startsWith(MAPPED_IPV4)
    ? remoteAddress.slice(MAPPED_IPV4.length)
    : remoteAddress;
  return isIPv4(address) ? LOOPBACK.check(address, 'ipv4') : LOOPBACK.check(address, 'ipv6');
}
