import { USERNAME_MAX, USERNAME_MIN, usernameProblem } from '@chat/protocol';

/**
 * A username made from an email's local part, to start the "Choose your username" form from:
 * lower-cased, with what usernames may not hold dropped, and padded or cut to fit. Undefined when
 * nothing usable is left.
 */
export function usernameFromEmail(email: string): string | undefined {
  const local = email.split('@')[0] ?? '';
  const cleaned = local
    .toLowerCase()
    .replace(/\+.*$/, '')
    .replace(/[^a-z0-9_.-]/g, '')
    .slice(0, USERNAME_MAX);
  if (cleaned.length === 0) return undefined;
  const padded = cleaned.length < USERNAME_MIN ? cleaned.padEnd(USERNAME_MIN, '0') : cleaned;
  return usernameProblem(padded) ? undefined : padded;
}

/** The base, then base2, base3…, cut so each fits: candidates to try until one is free. */
export function usernameCandidates(base: string, count: number): string[] {
  const candidates = [base];
  for (let n = 2; candidates.length < count; n += 1) {
    const suffix = String(n);
    candidates.push(base.slice(0, USERNAME_MAX - suffix.length) + suffix);
  }
  return candidates;
}
