import { emailProblem, normalizeEmail, passwordProblem } from '@chat/protocol';
import { AppError } from '../http/errors.ts';
import { isUniqueViolation } from '../infra/db/dialect.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { emailChangeMail, emailChangeNoticeMail, passwordChangedMail } from '../mail/templates.ts';
import {
  findUserByEmail,
  findUserById,
  replaceEmail,
  setPasswordHash,
  setPendingEmail,
  type UserRow,
} from '../users/users-repository.ts';
import { type AccountsContext, fieldError, link, tokenError } from './accounts.ts';
import { hashPassword, passwordMatches } from './secrets.ts';
import { endOtherSessions, type Session } from './sessions.ts';
import { consumeToken, issueToken, revokeTokens } from './tokens.ts';

/** Where the link in the mail to a new address leads (apps/web App.tsx). */
const CONFIRM_EMAIL_PATH = '/confirm-email';

const emailTaken = () =>
  new AppError(409, 'email_taken', 'An account with that email address exists.', { fields: { email: 'email_taken' } });

/**
 * A change to what signs the account in needs its password, even inside a session: a borrowed or
 * stolen session must not be enough to take the account over.
 */
async function requireCurrentPassword(user: UserRow, password: string, field: string): Promise<void> {
  if (user.is_bot === 0 && (await passwordMatches(password, user.password_hash))) return;
  throw new AppError(403, 'wrong_password', 'That is not your current password.', {
    fields: { [field]: 'wrong_password' },
  });
}

/**
 * Sets a new password after checking the current one. Links to reset the old one stop working; with
 * `signOutOtherSessions` every other session ends (returned, so that their sockets close).
 */
export async function changePassword(
  context: AccountsContext,
  signedIn: { user: UserRow; session: Session },
  input: { currentPassword: string; newPassword: string; signOutOtherSessions?: boolean },
): Promise<{ endedSessions: string[] }> {
  const { user, session } = signedIn;
  await requireCurrentPassword(user, input.currentPassword, 'currentPassword');
  const problem = passwordProblem(input.newPassword, { username: user.username, email: user.email });
  if (problem) throw fieldError('newPassword', problem);
  const passwordHash = await hashPassword(input.newPassword, context.bcryptCost);
  const now = Date.now();
  const endedSessions = await context.db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, user.id, passwordHash);
    await revokeTokens(trx, user.id, 'reset');
    await enqueueMail(trx, passwordChangedMail(user.email, user.username), now);
    return input.signOutOtherSessions ? await endOtherSessions(trx, user.id, session.idHash) : [];
  });
  context.mailQueued();
  return { endedSessions };
}

/**
 * Asks to move the account to a new address: it takes effect once the link mailed there is followed,
 * and the current address is told. A new request replaces one still pending. An address with an
 * account is refused as sign-up refuses it, no more (and only to someone who knows the password).
 */
export async function requestEmailChange(
  context: AccountsContext,
  user: UserRow,
  input: { email: string; password: string },
): Promise<void> {
  await requireCurrentPassword(user, input.password, 'password');
  const email = normalizeEmail(input.email);
  const problem = emailProblem(email);
  if (problem) throw fieldError('email', problem);
  if (email === user.email)
    throw new AppError(400, 'email_unchanged', 'That is already your address.', {
      fields: { email: 'email_unchanged' },
    });
  if (await findUserByEmail(context.db, email)) throw emailTaken();
  const now = Date.now();
  await context.db.transaction().execute(async (trx) => {
    await revokeTokens(trx, user.id, 'email_change');
    await setPendingEmail(trx, user.id, email);
    const token = await issueToken(trx, user.id, 'email_change', now);
    await enqueueMail(trx, emailChangeMail(email, user.username, link(context, CONFIRM_EMAIL_PATH, token)), now);
    await enqueueMail(trx, emailChangeNoticeMail(user.email, user.username, email), now);
  });
  context.mailQueued();
}

/** Follows the link mailed to the new address: the address changes, confirmed by that very link. */
export async function confirmEmailChange(context: AccountsContext, token: string): Promise<UserRow> {
  const now = Date.now();
  try {
    const userId = await context.db.transaction().execute(async (trx) => {
      const consumed = await consumeToken(trx, token, 'email_change', now);
      if (!consumed.ok) throw tokenError(consumed.code);
      const user = await findUserById(trx, consumed.userId);
      if (!user?.pending_email) throw tokenError('token_invalid');
      await replaceEmail(trx, user.id, user.pending_email, now);
      return user.id;
    });
    const updated = await findUserById(context.db, userId);
    if (!updated) throw tokenError('token_invalid');
    return updated;
  } catch (error) {
    // Someone signed up with the address while the link was on its way.
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

/** Drops a pending address change; its link stops working. */
export async function cancelEmailChange(context: AccountsContext, userId: number): Promise<void> {
  await context.db.transaction().execute(async (trx) => {
    await revokeTokens(trx, userId, 'email_change');
    await setPendingEmail(trx, userId, null);
  });
}
