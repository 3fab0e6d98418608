import { ApiError } from '@chat/client';
import { describe, expect, it } from 'vitest';
import { noPasswordNote, ownerProof } from './owner-proof.ts';

describe('proving one owns the account', () => {
  it('sends the password when the account has one, and refuses an empty one before asking', () => {
    expect(ownerProof(true, 'correct horse')).toEqual({ password: 'correct horse' });
    expect(() => ownerProof(true, '')).toThrow(new ApiError(0, 'password_missing', 'Type your password first.'));
  });

  it('sends nothing for an account without a password, whatever was typed: its recent sign-in is the proof', () => {
    expect(ownerProof(false, '')).toEqual({});
    expect(ownerProof(false, 'left over')).toEqual({});
  });

  it('tells an account without a password how long after signing in it may act', () => {
    expect(noPasswordNote('removing it')).toBe(
      'Your account has no password: removing it works within 10 minutes of signing in through your provider.',
    );
  });
});
