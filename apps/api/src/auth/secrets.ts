import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';

/** 32 random bytes: unguessable, URL-safe. Only the hash is ever stored, so a database leak leaks no usable token. */
export function newSecret(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecret(token) };
}

export const hashSecret = (token: string) => createHash('sha256').update(token).digest('hex');

/** bcrypt's async API hashes on libuv's thread pool, so a login never blocks the event loop. */
export const hashPassword = (password: string, cost: number) => bcrypt.hash(password, cost);
/**
 * The stored hash of an account without a password (the robot, people who signed up through an
 * identity provider): bcrypt never produces it, so no password matches it.
 */
export const NO_PASSWORD = '*';

export const passwordMatches = (password: string, hash: string) => bcrypt.compare(password, hash);

const dummyHashes = new Map<number, Promise<string>>();
/**
 * A hash to compare against when the account does not exist, so that "no such user" takes as long
 * as "wrong password" and timing reveals nothing. Made once per cost, at the configured cost.
 */
export function dummyPasswordHash(cost: number): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = bcrypt.hash(randomBytes(16).toString('hex'), cost);
    dummyHashes.set(cost, hash);
  }
  return hash;
}
