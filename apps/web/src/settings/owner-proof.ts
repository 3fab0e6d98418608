import { ApiError } from '@chat/client';
import { type OwnerProofBody, RECENT_SIGN_IN_MS } from '@chat/protocol';

/**
 * What a setting that asks for proof of ownership (deleting the account, removing a passkey) sends:
 * the password; for an account without one, nothing, since a recent sign-in through the provider
 * is the proof. A password not typed is refused here, in the words the form shows.
 */
export function ownerProof(hasPassword: boolean, password: string): OwnerProofBody {
  if (!hasPassword) return {};
  if (password === '') throw new ApiError(0, 'password_missing', 'Type your password first.');
  return { password };
}

/** Said instead of asking for the password an account does not have; `what` is "this", "removing it"… */
export const noPasswordNote = (what: string) =>
  `Your account has no password: ${what} works within ${RECENT_SIGN_IN_MS / 60_000} minutes of signing in through your provider.`;
