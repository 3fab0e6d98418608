import { describe, expect, it } from 'vitest';
import { isLoopbackPeer } from './loopback.ts';

describe('isLoopbackPeer', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.2'])(
    '%s is this machine',
    (address) => {
      expect(isLoopbackPeer(address)).toBe(true);
    },
  );

  it.each([undefined, '', '10.213.0.2', '::ffff:10.0.0.1', '192.168.1.1', 'fe80::1', '::', '0.0.0.0'])(
    '%s is not',
    (address) => {
      expect(isLoopbackPeer(address)).toBe(false);
    },
  );
});
