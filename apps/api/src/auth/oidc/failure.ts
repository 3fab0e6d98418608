import type { OidcSignInError } from '@chat/protocol';

/**
 * Why a sign-in through a provider failed. The browser is in the middle of a redirect, so it is
 * answered by sending it to the sign-in page with the code, never with an error page.
 */
export class OidcFailure extends Error {
  /** The provider's own error code (`access_denied`, …) when the provider refused. */
  readonly providerError: string | undefined;

  constructor(
    readonly code: OidcSignInError,
    options: { providerError?: string; cause?: unknown } = {},
  ) {
    super(code, { cause: options.cause });
    this.name = 'OidcFailure';
    this.providerError = options.providerError;
  }

  /** The sign-in page, saying what went wrong. */
  location(): string {
    const query = new URLSearchParams({ oidc_error: this.code });
    if (this.providerError) query.set('provider_error', this.providerError);
    return `/login?${query}`;
  }
}
