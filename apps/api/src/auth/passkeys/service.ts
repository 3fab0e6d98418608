import type { Passkey } from '@chat/protocol';
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';
import { AppError } from '../../http/errors.ts';
import type { Db } from '../../infra/db/database.ts';
import { isUniqueViolation } from '../../infra/db/dialect.ts';
import { findUserById, type UserRow } from '../../users/users-repository.ts';
import { saveChallenge, takeChallenge } from './challenges.ts';
import { findPasskeyByCredentialId, insertPasskey, listPasskeys, recordPasskeyUse, toPasskey } from './repository.ts';

export interface PasskeyContext {
  db: Db;
  /** The relying party: the host of PUBLIC_URL; passkeys work only there (and its subdomains' parent). */
  rpId: string;
  /** PUBLIC_URL's origin: the only page whose ceremonies are accepted. */
  origin: string;
}

type WebAuthnOptions = Record<string, unknown>;

const invalid = (message = 'That passkey could not be checked. Try again.') =>
  new AppError(400, 'passkey_invalid', message);

/** What the library throws on a bad response (wrong origin, challenge, signature…) is the client's fault. */
async function verified<T>(check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch {
    throw invalid();
  }
}

const transportsOf = (row: { transports: string | null }): AuthenticatorTransport[] | undefined =>
  row.transports ? (JSON.parse(row.transports) as AuthenticatorTransport[]) : undefined;

/**
 * Options to create a discoverable credential (so it can sign in without a username), with user
 * verification (so it stands for two factors), none already registered for this user again.
 */
export async function registrationOptions(context: PasskeyContext, user: UserRow): Promise<WebAuthnOptions> {
  const existing = await listPasskeys(context.db, user.id);
  const options = await generateRegistrationOptions({
    rpName: context.rpId,
    rpID: context.rpId,
    userName: user.username,
    userID: isoUint8Array.fromUTF8String(String(user.id)),
    attestationType: 'none',
    excludeCredentials: existing.map((row) => ({ id: row.credential_id, transports: transportsOf(row) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await saveChallenge(context.db, options.challenge, 'passkey_register', user.id, Date.now());
  return options as unknown as WebAuthnOptions;
}

export async function registerPasskey(
  context: PasskeyContext,
  user: UserRow,
  name: string,
  response: Record<string, unknown>,
): Promise<Passkey> {
  const now = Date.now();
  const result = await verified(
    verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge: (challenge) => takeChallenge(context.db, challenge, 'passkey_register', user.id, now),
      expectedOrigin: context.origin,
      expectedRPID: context.rpId,
      requireUserVerification: true,
    }),
  );
  if (!result.verified) throw invalid();
  const { credential } = result.registrationInfo;
  try {
    const row = await insertPasskey(context.db, {
      user_id: user.id,
      credential_id: credential.id,
      public_key: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ? JSON.stringify(credential.transports) : null,
      name: name.trim() || 'Passkey',
      created_at: now,
    });
    return toPasskey(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw invalid('That passkey is already registered.');
    throw error;
  }
}

/** Options for signing in with any passkey of this site: no username, the authenticator offers its own. */
export async function loginOptions(context: PasskeyContext): Promise<WebAuthnOptions> {
  const options = await generateAuthenticationOptions({ rpID: context.rpId, userVerification: 'required' });
  await saveChallenge(context.db, options.challenge, 'passkey_login', null, Date.now());
  return options as unknown as WebAuthnOptions;
}

/** The account a passkey assertion proves, once: its challenge and its counter are used up. */
export async function passkeyLogin(context: PasskeyContext, response: Record<string, unknown>): Promise<UserRow> {
  const assertion = response as unknown as AuthenticationResponseJSON;
  if (typeof assertion.id !== 'string') throw invalid();
  const row = await findPasskeyByCredentialId(context.db, assertion.id);
  if (!row) throw invalid('That passkey is not registered here: it may have been removed.');
  const now = Date.now();
  const result = await verified(
    verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: (challenge) => takeChallenge(context.db, challenge, 'passkey_login', null, now),
      expectedOrigin: context.origin,
      expectedRPID: context.rpId,
      credential: {
        id: row.credential_id,
        publicKey: isoBase64URL.toBuffer(row.public_key),
        counter: Number(row.counter),
        transports: transportsOf(row),
      },
      requireUserVerification: true,
    }),
  );
  if (!result.verified) throw invalid();
  if (!(await recordPasskeyUse(context.db, row, result.authenticationInfo.newCounter, now))) throw invalid();
  const user = await findUserById(context.db, row.user_id);
  if (!user) throw invalid();
  return user;
}
