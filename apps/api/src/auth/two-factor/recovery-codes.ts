import { randomInt } from 'node:crypto';
import { RECOVERY_CODE_COUNT } from '@chat/protocol';
import { hashSecret } from '../secrets.ts';

/** Crockford's base32 without look-alikes: codes are read off paper and typed by hand. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** 10 characters × 5 bits = 50 bits each: past guessing behind the sign-in rate limits, short to type. */
const CODE_LENGTH = 10;

/** Fresh codes as shown to the user, `xxxxx-xxxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The hash a code is stored and looked up by: case, spaces and dashes do not matter. */
export const recoveryCodeHash = (code: string): string => hashSecret(code.toLowerCase().replace(/[\s-]/g, ''));
