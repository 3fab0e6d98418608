import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact.ts';

describe('redactUrl', () => {
  it.each([
    ['/ws?v=1&ticket=abc.def', '/ws?v=1&ticket=[redacted]'],
    ['/verify?token=s3cr3t', '/verify?token=[redacted]'],
    ['http://chat.test/reset-password?token=s3cr3t#top', 'http://chat.test/reset-password?token=[redacted]#top'],
    ['/x?TOKEN=a&access_token=b&q=keep', '/x?TOKEN=[redacted]&access_token=[redacted]&q=keep'],
    ['/x?%74oken=a', '/x?%74oken=[redacted]'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves URLs without secrets alone', () => {
    for (const url of ['/api/users?query=al&limit=5', '/healthz', '/a?flag', '/a?tokens=list']) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});
