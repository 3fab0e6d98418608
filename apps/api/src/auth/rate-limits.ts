import type { FastifyInstance } from 'fastify';
import { enforceRateLimit } from '../http/request-limits.ts';
import type { RateLimitRule } from '../infra/rate-limit/rate-limiter.ts';
import type { Device } from './device-cookie.ts';

const MINUTE = 60_000;

/**
 * Limits on what attackers repeat: guessing passwords (per address and per account, so neither a
 * botnet on one account nor one address across many accounts gets far), creating accounts, and
 * making the server send mail.
 */
export const AUTH_LIMITS = {
  loginPerIp: { limit: 30, windowMs: 5 * MINUTE },
  /** Attempts on one account (by id: its username and email are one account) from browsers it never signed in on. */
  loginPerAccount: { limit: 10, windowMs: 15 * MINUTE },
  /** Attempts from one browser where the account signed in before: its own bucket, so others cannot lock it. */
  loginPerDevice: { limit: 10, windowMs: 15 * MINUTE },
  /**
   * Second-factor codes after a right password: the account's lock-out, keyed on its id. Six digits
   * with one step of drift either side is 3 in a million per guess, so 10 per 15 minutes keeps a
   * thief with the password guessing for decades.
   */
  twoFactorPerAccount: { limit: 10, windowMs: 15 * MINUTE },
  twoFactorPerIp: { limit: 30, windowMs: 5 * MINUTE },
  /** Passkey sign-ins cost a signature check each; nobody signs in this often. */
  passkeyLoginPerIp: { limit: 30, windowMs: 5 * MINUTE },
  signupPerIp: { limit: 10, windowMs: 60 * MINUTE },
  forgotPerIp: { limit: 10, windowMs: 60 * MINUTE },
  forgotPerEmail: { limit: 3, windowMs: 60 * MINUTE },
  resendPerUser: { limit: 3, windowMs: 15 * MINUTE },
  /** Guesses of the current password from inside a session (changing password or address): as many as a login allows. */
  currentPasswordPerUser: { limit: 10, windowMs: 15 * MINUTE },
  /** Each request mails two addresses. */
  emailChangePerUser: { limit: 5, windowMs: 60 * MINUTE },
  availabilityUsernamePerIp: { limit: 120, windowMs: MINUTE },
  /** Tighter: whether an address has an account is worth more to an attacker than whether a name is free. */
  availabilityEmailPerIp: { limit: 30, windowMs: 15 * MINUTE },
} as const satisfies Record<string, RateLimitRule>;

export type AuthLimit = keyof typeof AUTH_LIMITS;

/**
 * Where a login attempt counts (OWASP's account lock-out with device cookies): with a device cookie
 * of the account it names, in that device's bucket; otherwise against the account, keyed on its id
 * so that its username and its email share one count. A login naming no account counts under the
 * name given, at the same limit, so the answer tells nothing about which accounts exist.
 */
export function loginBucket(
  accountId: number | undefined,
  login: string,
  device: Device | undefined,
): { name: AuthLimit; subject: string } {
  if (accountId !== undefined && device?.userId === accountId)
    return { name: 'loginPerDevice', subject: device.deviceId };
  return {
    name: 'loginPerAccount',
    subject: accountId !== undefined ? `id:${accountId}` : `name:${login.trim().toLowerCase()}`,
  };
}

/** Counts one attempt; past the limit answers 429 with Retry-After. */
export const enforceLimit = (app: FastifyInstance, name: AuthLimit, subject: string): Promise<void> =>
  enforceRateLimit(app, `${name}:${subject}`, AUTH_LIMITS[name], 'attempts');
