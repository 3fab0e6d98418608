import type { Me } from '@chat/protocol';
import { emailProblem, normalizeEmail, normalizeUsername, passwordProblem, usernameProblem } from '@chat/protocol';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.ts';
import type { Db } from '../infra/db/database.ts';
import { isUniqueViolation, violatedUniqueColumn } from '../infra/db/dialect.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { passwordResetMail, verificationMail } from '../mail/templates.ts';
import {
  findUserByEmail,
  findUserById,
  findUserByUsername,
  insertUser,
  isUsernameRetired,
  markEmailVerified,
  setPasswordHash,
  toMe,
  type UserRow,
} from '../users/users-repository.ts';
import { dummyPasswordHash, hashPassword, NO_PASSWORD, passwordMatches } from './secrets.ts';
import { createSession, deleteUserSessions, type NewDevice } from './sessions.ts';
import { checkToken, consumeToken, issueToken } from './tokens.ts';
import { isTwoFactorEnabled } from './two-factor/repository.ts';

/** What the account operations need from the outside world. */
export interface AccountsContext {
  db: Db;
  publicUrl: URL;
  bcryptCost: number;
  /** Wakes the mail worker once a transaction with a mail in it has committed. */
  mailQueued(): void;
}

/** The account operations' view of the server. */
export const accountsContext = (app: FastifyInstance): AccountsContext => ({
  db: app.database.db,
  publicUrl: app.config.publicUrl,
  bcryptCost: app.config.bcryptCost,
  mailQueued: () => app.mailQueued(),
});

export const link = (context: AccountsContext, path: string, token: string) =>
  new URL(`${path}?token=${encodeURIComponent(token)}`, context.publicUrl).toString();

/** The problem with a username or email for the live availability check; undefined when it is free. */
export async function availabilityProblem(
  context: AccountsContext,
  query: { username?: string; email?: string },
): Promise<string | undefined> {
  if (query.username !== undefined) {
    const username = normalizeUsername(query.username);
    const problem = usernameProblem(username);
    if (problem) return problem;
    return (await usernameTaken(context.db, username)) ? 'username_taken' : undefined;
  }
  if (query.email !== undefined) {
    const email = normalizeEmail(query.email);
    const problem = emailProblem(email);
    if (problem) return problem;
    return (await findUserByEmail(context.db, email)) ? 'email_taken' : undefined;
  }
  throw new AppError(400, 'bad_request', 'Ask about a username or an email.');
}

/** Taken by an account, or by one that was deleted. */
const usernameTaken = async (db: Db, username: string) =>
  (await findUserByUsername(db, username)) !== undefined || (await isUsernameRetired(db, username));

const usernameTakenError = () =>
  new AppError(409, 'username_taken', 'That username is taken.', { fields: { username: 'username_taken' } });

export async function signup(
  context: AccountsContext,
  input: { username: string; email: string; password: string },
  device: NewDevice,
): Promise<{ user: Me; sessionToken: string }> {
  const username = normalizeUsername(input.username);
  const email = normalizeEmail(input.email);
  const fields: Record<string, string> = {};
  const problems = {
    username: usernameProblem(username),
    email: emailProblem(email),
    password: passwordProblem(input.password, { username, email }),
  };
  for (const [field, problem] of Object.entries(problems)) if (problem) fields[field] = problem;
  if (Object.keys(fields).length > 0)
    throw new AppError(400, 'validation_failed', describeFieldProblems(fields), { fields });

  const passwordHash = await hashPassword(input.password, context.bcryptCost);
  return createAccount(context, { username, email, passwordHash, emailVerified: false }, device);
}

/** What else goes into the transaction that creates an account (linking an identity). */
export type AccountExtra = (trx: Db, userId: number, now: number) => Promise<void>;

/**
 * Creates an account with its first session in one transaction. An address nobody vouched for yet
 * gets its verification mail; a taken username (or one of a deleted account) or email is refused
 * field by field.
 */
export async function createAccount(
  context: AccountsContext,
  input: { username: string; email: string; passwordHash: string; emailVerified: boolean },
  device: NewDevice,
  extra?: AccountExtra,
): Promise<{ user: Me; sessionToken: string }> {
  if (await isUsernameRetired(context.db, input.username)) throw usernameTakenError();
  const now = Date.now();
  try {
    const result = await context.db.transaction().execute(async (trx) => {
      const userId = await insertUser(trx, { ...input, now });
      if (input.emailVerified) {
        await markEmailVerified(trx, userId, now);
      } else {
        const token = await issueToken(trx, userId, 'verify', now);
        await enqueueMail(trx, verificationMail(input.email, input.username, link(context, '/verify', token)), now);
      }
      await extra?.(trx, userId, now);
      const { token: sessionToken } = await createSession(trx, userId, now, device);
      return { userId, sessionToken };
    });
    if (!input.emailVerified) context.mailQueued();
    const user = await findUserById(context.db, result.userId);
    if (!user) throw new Error('the new user vanished');
    return { user: toMe(user), sessionToken: result.sessionToken };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const column = violatedUniqueColumn(error);
    if (column === 'email')
      throw new AppError(409, 'email_taken', 'An account with that email address exists.', {
        fields: { email: 'email_taken' },
      });
    if (column === 'username') throw usernameTakenError();
    throw error;
  }
}

/** A username as it is stored, or a refusal naming what is wrong with it. */
export function newUsername(raw: string): string {
  const username = normalizeUsername(raw);
  const problem = usernameProblem(username);
  if (problem) {
    throw new AppError(400, 'validation_failed', describeFieldProblems({ username: problem }), {
      fields: { username: problem },
    });
  }
  return username;
}

const FIELD_MESSAGES: Record<string, string> = {
  username_too_short: 'Usernames have at least 3 characters.',
  username_too_long: 'Usernames have at most 32 characters.',
  username_invalid: 'Usernames use only a–z, 0–9, dot, dash and underscore.',
  username_reserved: 'That username is reserved.',
  email_invalid: 'That does not look like an email address.',
  password_too_short: 'Passwords have at least 8 characters.',
  password_too_long: 'Passwords have at most 72 bytes.',
  password_too_weak: 'That password is too easy to guess.',
};

/** One field refused by an account rule, with the rule's wording. */
export const fieldError = (field: string, problem: string) =>
  new AppError(400, 'validation_failed', FIELD_MESSAGES[problem] ?? problem, { fields: { [field]: problem } });

function describeFieldProblems(fields: Record<string, string>): string {
  return Object.values(fields)
    .map((code) => FIELD_MESSAGES[code] ?? code)
    .join(' ');
}

/** The account a login names: by email when it has an @, by username otherwise. */
export async function findLoginAccount(context: AccountsContext, login: string): Promise<UserRow | undefined> {
  const identifier = login.trim().toLowerCase();
  return identifier.includes('@')
    ? await findUserByEmail(context.db, identifier)
    : await findUserByUsername(context.db, identifier);
}

/** The same answer, and about the same time, whether the account is missing or the password wrong. */
export async function login(
  context: AccountsContext,
  account: UserRow | undefined,
  password: string,
): Promise<UserRow> {
  // Accounts without a password (bots, deleted accounts, sign-up through a provider) are compared
  // against the dummy too, so they answer like a wrong password, in the same time.
  const hasPassword =
    account !== undefined &&
    account.is_bot === 0 &&
    account.deleted_at === null &&
    account.password_hash !== NO_PASSWORD;
  const hash = hasPassword ? account.password_hash : await dummyPasswordHash(context.bcryptCost);
  const matches = await passwordMatches(password, hash);
  if (!hasPassword || !matches) {
    throw new AppError(401, 'invalid_credentials', 'That login and password do not match an account.');
  }
  return account;
}

const TOKEN_MESSAGES = {
  token_invalid: 'That link is not valid. Ask for a new one.',
  token_expired: 'That link has expired. Ask for a new one.',
  token_used: 'That link has already been used.',
} as const;

export const tokenError = (code: keyof typeof TOKEN_MESSAGES) => new AppError(400, code, TOKEN_MESSAGES[code]);

export async function verifyEmail(context: AccountsContext, token: string): Promise<Me> {
  const now = Date.now();
  const result = await consumeToken(context.db, token, 'verify', now);
  if (!result.ok) throw tokenError(result.code);
  await markEmailVerified(context.db, result.userId, now);
  const user = await findUserById(context.db, result.userId);
  if (!user) throw tokenError('token_invalid');
  return toMe(user);
}

/** Queues a fresh verification mail; a no-op for an address that is already confirmed. */
export async function resendVerification(context: AccountsContext, user: UserRow): Promise<void> {
  if (user.email_verified_at !== null) return;
  const now = Date.now();
  await context.db.transaction().execute(async (trx) => {
    const token = await issueToken(trx, user.id, 'verify', now);
    await enqueueMail(trx, verificationMail(user.email, user.username, link(context, '/verify', token)), now);
  });
  context.mailQueued();
}

/** Queues a reset mail if the address has an account; the caller answers the same either way. */
export async function requestPasswordReset(context: AccountsContext, rawEmail: string): Promise<void> {
  const user = await findUserByEmail(context.db, normalizeEmail(rawEmail));
  if (!user || user.is_bot === 1) return;
  const now = Date.now();
  await context.db.transaction().execute(async (trx) => {
    const token = await issueToken(trx, user.id, 'reset', now);
    await enqueueMail(trx, passwordResetMail(user.email, user.username, link(context, '/reset-password', token)), now);
  });
  context.mailQueued();
}

/**
 * Sets a new password and ends every session of the user: whoever knew the old password is out.
 * The person who reset it is signed in with a fresh session, unless two-factor is on: the mailbox
 * is one factor, so they still owe the second (no session token then).
 */
export async function resetPassword(
  context: AccountsContext,
  input: { token: string; password: string },
  device: NewDevice,
): Promise<{ user: UserRow; sessionToken: string | undefined }> {
  const now = Date.now();
  // Checked first and used up only with the new password: a password refused as too weak keeps the link working.
  const check = await checkToken(context.db, input.token, 'reset', now);
  if (!check.ok) throw tokenError(check.code);
  const user = await findUserById(context.db, check.userId);
  if (!user) throw tokenError('token_invalid');
  const problem = passwordProblem(input.password, { username: user.username, email: user.email });
  if (problem) throw fieldError('password', problem);
  const passwordHash = await hashPassword(input.password, context.bcryptCost);
  const sessionToken = await context.db.transaction().execute(async (trx) => {
    const consumed = await consumeToken(trx, input.token, 'reset', now);
    if (!consumed.ok) throw tokenError(consumed.code);
    await setPasswordHash(trx, user.id, passwordHash);
    await deleteUserSessions(trx, user.id);
    // The mail reached its owner, so the address is confirmed too.
    await markEmailVerified(trx, user.id, now);
    if (await isTwoFactorEnabled(trx, user.id)) return undefined;
    return (await createSession(trx, user.id, now, device)).token;
  });
  const updated = await findUserById(context.db, user.id);
  return { user: updated ?? user, sessionToken };
}
