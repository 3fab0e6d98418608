import { describe, expect, it } from 'vitest';
import {
  displayNameProblem,
  emailProblem,
  normalizeDisplayName,
  normalizeEmail,
  normalizeUsername,
  passwordProblem,
  usernameProblem,
} from './account-rules.ts';

describe('usernames', () => {
  it.each([
    ['ab', 'username_too_short'],
    ['a'.repeat(33), 'username_too_long'],
    ['bad name', 'username_invalid'],
    ['émile', 'username_invalid'],
    ['admin', 'username_reserved'],
    ['al.ice_-9', undefined],
    ['a'.repeat(32), undefined],
  ])('%s → %s', (name, problem) => {
    expect(usernameProblem(name)).toBe(problem);
  });

  it('are compared lower-cased and trimmed', () => {
    expect(normalizeUsername('  Alice ')).toBe('alice');
  });
});

describe('emails', () => {
  it.each([
    ['alice@example.com', undefined],
    ['a.b+tag@mail.example.co.uk', undefined],
    ['alice', 'email_invalid'],
    ['alice@localhost', 'email_invalid'],
    ['al ice@example.com', 'email_invalid'],
    ['a@b@example.com', 'email_invalid'],
    [`${'a'.repeat(250)}@example.com`, 'email_invalid'],
  ])('%s → %s', (email, problem) => {
    expect(emailProblem(email)).toBe(problem);
  });

  it('are normalised to lower case', () => {
    expect(normalizeEmail(' Alice@Example.COM ')).toBe('alice@example.com');
  });
});

describe('passwords', () => {
  it.each([
    ['short1!', 'password_too_short'],
    ['x'.repeat(73), 'password_too_long'],
    // 24 three-byte characters are 72 bytes: allowed; one more ASCII byte is over bcrypt's limit.
    ['€'.repeat(24), 'password_too_weak'],
    [`${'€'.repeat(23)}ab`, undefined],
    [`${'€'.repeat(24)}a`, 'password_too_long'],
    ['password', 'password_too_weak'],
    ['PassWord123', 'password_too_weak'],
    ['aaaaaaaaaa', 'password_too_weak'],
    ['correct horse battery', undefined],
  ])('%s → %s', (password, problem) => {
    expect(passwordProblem(password)).toBe(problem);
  });

  it('refuses the username or the email as the password', () => {
    expect(passwordProblem('alice.smith', { username: 'alice.smith' })).toBe('password_too_weak');
    expect(passwordProblem('alice.smith', { email: 'alice.smith@example.com' })).toBe('password_too_weak');
  });
});

describe('display names', () => {
  it.each([
    ['Alice Liddell', undefined],
    ['👩‍👩‍👧 family', undefined],
    ['é'.repeat(64), undefined],
    ['a'.repeat(65), 'display_name_too_long'],
    ['line\nbreak', 'display_name_invalid'],
    ['nul\u0000', 'display_name_invalid'],
    ['\u202Eecila', 'display_name_invalid'],
  ])('%j → %s', (name, problem) => {
    expect(displayNameProblem(name)).toBe(problem);
  });

  it('are trimmed, and an empty one means none', () => {
    expect(normalizeDisplayName('  Alice  ')).toBe('Alice');
    expect(normalizeDisplayName('   ')).toBeNull();
  });
});
