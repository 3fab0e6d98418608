import { describe, expect, it } from 'vitest';
import { countryOf, describeUserAgent } from './devices.ts';

describe('a device as people name it', () => {
  it('names browsers and systems by their major versions', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      ),
    ).toEqual({ browser: 'Chrome 131', os: 'Windows 10' });
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0')).toEqual({
      browser: 'Firefox 133',
      os: 'Linux',
    });
  });

  it('names a client that is no browser by its product token, and nothing without a User-Agent', () => {
    expect(describeUserAgent('curl/8.5.0')).toEqual({ browser: 'curl 8.5.0', os: null });
    expect(describeUserAgent(null)).toEqual({ browser: null, os: null });
  });

  it('finds the country of a public IPv4 address, also written as IPv6, and none for private or IPv6 ones', () => {
    expect(countryOf('81.2.69.160')).toBe('GB');
    expect(countryOf('::ffff:81.2.69.160')).toBe('GB');
    expect(countryOf('127.0.0.1')).toBeNull();
    expect(countryOf('10.1.2.3')).toBeNull();
    expect(countryOf('2001:db8::1')).toBeNull();
  });
});
