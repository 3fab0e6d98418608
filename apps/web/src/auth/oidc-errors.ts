import type { OidcSignInError } from '@chat/protocol';

/** What each way a provider sign-in can fail means to the person back on the sign-in page. */
const SIGN_IN_ERRORS: Record<OidcSignInError, string> = {
  oidc_unknown_provider: 'That sign-in option is not offered here (any more). Pick another one.',
  oidc_unavailable:
    'The identity provider cannot be reached right now. Try again in a moment, or log in with your password.',
  oidc_flow_expired: 'That sign-in took too long or was already used. Start again.',
  oidc_state_mismatch: 'That sign-in was not started from this browser, so it was refused. Start again from here.',
  oidc_nonce_mismatch: 'The identity provider’s answer was not meant for this sign-in, so it was refused. Start again.',
  oidc_provider_error: 'The identity provider did not sign you in.',
  oidc_callback_failed: 'Signing in with the identity provider failed. Try again, or log in with your password.',
  oidc_email_missing: 'The identity provider did not share your email address, which an account here needs.',
};

/** The sentence for an `oidc_error` in the address, with the provider's own reason when it gave one. */
export function oidcErrorMessage(code: string, providerError: string | null): string {
  if (code === 'oidc_provider_error' && providerError === 'access_denied') {
    return 'Signing in was cancelled at the identity provider. Nothing was changed.';
  }
  const message = SIGN_IN_ERRORS[code as OidcSignInError] ?? SIGN_IN_ERRORS.oidc_callback_failed;
  return providerError ? `${message} (It said: ${providerError}.)` : message;
}
