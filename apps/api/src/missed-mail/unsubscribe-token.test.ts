import { describe, expect, it } from 'vitest';
import { unsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.ts';

const SECRET = 'a'.repeat(64);

describe('the unsubscribe token', () => {
  it('names the user it was made for', () => {
    expect(verifyUnsubscribeToken(SECRET, unsubscribeToken(SECRET, 42))).toBe(42);
  });

  it('is refused when another user id is put in front of a valid signature', () => {
    const [, signature] = unsubscribeToken(SECRET, 42).split('.');
    expect(verifyUnsubscribeToken(SECRET, `43.${signature}`)).toBeUndefined();
  });

  it('is refused when made with another secret, or malformed', () => {
    expect(verifyUnsubscribeToken(SECRET, unsubscribeToken('b'.repeat(64), 42))).toBeUndefined();
    for (const token of ['', '42', '42.', 'x.y', `0.${'a'.repeat(43)}`, `42.${'a'.repeat(44)}`]) {
      expect(verifyUnsubscribeToken(SECRET, token)).toBeUndefined();
    }
  });
});
