import type { Me, OidcPendingResponse } from '@chat/protocol';
import { AppError } from '../../http/errors.ts';
import { findUserByEmail, findUserByUsername, markEmailVerified, type UserRow } from '../../users/users-repository.ts';
import { type AccountsContext, createAccount, newUsername } from '../accounts.ts';
import { hashSecret, NO_PASSWORD, newSecret } from '../secrets.ts';
import { createSession, type NewDevice } from '../sessions.ts';
import { isTwoFactorEnabled } from '../two-factor/repository.ts';
import {
  deletePendingIdentity,
  findLinkedUserId,
  findPendingIdentity,
  hasIdentityOf,
  insertIdentity,
  insertPendingIdentity,
  type PendingIdentityRow,
  type ProviderIdentity,
} from './identities-repository.ts';
import { PENDING_TTL_MS } from './pending-cookie.ts';
import { usernameCandidates, usernameFromEmail } from './suggest-username.ts';

/** How many numbered variants of a suggested username are tried before giving up on suggesting one. */
const SUGGESTION_TRIES = 5;

/** A provider account that is linked signs its user in; any other is held until its owner says what to do. */
export type CallbackOutcome =
  | { kind: 'signed-in'; userId: number; sessionToken: string }
  | { kind: 'pending'; token: string };

export async function signInWithIdentity(
  context: AccountsContext,
  identity: ProviderIdentity,
  device: NewDevice,
): Promise<CallbackOutcome> {
  const now = Date.now();
  const userId = await findLinkedUserId(context.db, identity.provider, identity.subject);
  if (userId !== undefined) {
    const { token } = await createSession(context.db, userId, now, device);
    return { kind: 'signed-in', userId, sessionToken: token };
  }
  const { token, hash } = newSecret();
  await insertPendingIdentity(context.db, hash, identity, now, PENDING_TTL_MS);
  return { kind: 'pending', token };
}

/** The identity a browser's pending token names, or a refusal saying it is gone. */
export async function pendingIdentity(
  context: AccountsContext,
  token: string | undefined,
): Promise<PendingIdentityRow> {
  const pending = token ? await findPendingIdentity(context.db, hashSecret(token), Date.now()) : undefined;
  if (!pending) {
    throw new AppError(
      410,
      'oidc_pending_expired',
      'That sign-in is no longer waiting for you (it expired or was finished). Sign in again.',
    );
  }
  return pending;
}

/** What the "Choose your username" screen shows. */
export async function describePending(
  context: AccountsContext,
  pending: PendingIdentityRow,
  provider: { id: string; label: string },
): Promise<OidcPendingResponse> {
  return {
    provider,
    email: pending.email,
    emailVerified: pending.email_verified === 1,
    name: pending.name,
    suggestedUsername: await freeUsername(context, pending.email),
    existingAccount: (await findUserByEmail(context.db, pending.email)) !== undefined,
  };
}

async function freeUsername(context: AccountsContext, email: string): Promise<string> {
  const base = usernameFromEmail(email);
  if (!base) return '';
  for (const candidate of usernameCandidates(base, SUGGESTION_TRIES)) {
    if (!(await findUserByUsername(context.db, candidate))) return candidate;
  }
  return '';
}

/**
 * A new account for the pending identity, with no password: its owner signs in through the
 * provider (or sets a password through "forgot password"). The address counts as confirmed only
 * when the provider said so; otherwise it is verified by mail, as at sign-up.
 */
export async function createAccountForPending(
  context: AccountsContext,
  pending: PendingIdentityRow,
  rawUsername: string,
  device: NewDevice,
): Promise<{ user: Me; sessionToken: string }> {
  const username = newUsername(rawUsername);
  return createAccount(
    context,
    { username, email: pending.email, passwordHash: NO_PASSWORD, emailVerified: pending.email_verified === 1 },
    device,
    async (trx, userId, now) => {
      await insertIdentity(trx, { provider: pending.provider, subject: pending.subject, userId, now });
      await deletePendingIdentity(trx, pending.id_hash);
    },
  );
}

/**
 * Links the pending identity to the account with the same address, once `proveAccount` (its
 * password) has shown the person owns it. The provider must vouch for the address first: otherwise
 * anyone who can make an account at some provider with a victim's address, unverified, would be a
 * password away from the victim's account, and the refusal comes before any password is tried. An
 * account with two-factor on is not linked this way at all: the password alone would sign in (and
 * the link would keep signing in) without the second factor.
 */
export async function linkPending(
  context: AccountsContext,
  pending: PendingIdentityRow,
  providerLabel: string,
  device: NewDevice,
  proveAccount: (account: UserRow | undefined) => Promise<UserRow>,
): Promise<{ user: UserRow; sessionToken: string }> {
  if (pending.email_verified !== 1) {
    throw new AppError(
      403,
      'oidc_email_unverified',
      `${providerLabel} has not confirmed that ${pending.email} is yours, so it cannot be linked to the account that has this address. Log in with your password instead, or confirm the address at ${providerLabel} and try again.`,
    );
  }
  const user = await proveAccount(await findUserByEmail(context.db, pending.email));
  if (await isTwoFactorEnabled(context.db, user.id)) {
    throw new AppError(
      403,
      'oidc_link_two_factor',
      `Your account uses two-factor authentication, so it cannot be linked to ${providerLabel} with the password alone. Log in with your password and code instead.`,
    );
  }
  if (await hasIdentityOf(context.db, user.id, pending.provider)) {
    throw new AppError(
      409,
      'oidc_already_linked',
      `This account is already linked to another ${providerLabel} account.`,
    );
  }
  const now = Date.now();
  const sessionToken = await context.db.transaction().execute(async (trx) => {
    await insertIdentity(trx, { provider: pending.provider, subject: pending.subject, userId: user.id, now });
    await deletePendingIdentity(trx, pending.id_hash);
    // The provider vouched for the address and the password proved the account: both are its owner's.
    await markEmailVerified(trx, user.id, now);
    return (await createSession(trx, user.id, now, device)).token;
  });
  return { user, sessionToken };
}
