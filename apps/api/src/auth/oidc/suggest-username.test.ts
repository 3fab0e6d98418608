import { describe, expect, it } from 'vitest';
import { usernameCandidates, usernameFromEmail } from './suggest-username.ts';

describe('usernameFromEmail', () => {
  it.each([
    ['Alice.Smith@example.com', 'alice.smith'],
    ['bob+chat@example.com', 'bob'],
    ['jo@example.com', 'jo0'],
    ['zoë@example.com', 'zo0'],
    [`${'a'.repeat(40)}@example.com`, 'a'.repeat(32)],
  ])('%s → %s', (email, username) => {
    expect(usernameFromEmail(email)).toBe(username);
  });

  it('has nothing to suggest for a reserved or empty local part', () => {
    expect(usernameFromEmail('admin@example.com')).toBeUndefined();
    expect(usernameFromEmail('ü@example.com')).toBeUndefined();
  });
});

describe('usernameCandidates', () => {
  it('numbers the base, keeping each within 32 characters', () => {
    expect(usernameCandidates('alice', 3)).toEqual(['alice', 'alice2', 'alice3']);
    expect(usernameCandidates('a'.repeat(32), 2)).toEqual(['a'.repeat(32), `${'a'.repeat(31)}2`]);
  });
});
