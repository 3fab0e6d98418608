import Type, { type Static } from 'typebox';
import type { ErrorCode } from '../errors.ts';

/**
 * Signing in through an OpenID Connect provider. A browser follows
 * `GET /api/auth/oidc/{provider}/start`; the provider sends it back to `…/callback`, which signs a
 * known identity in, or holds a new one as pending and sends the browser to `/sign-in/continue`.
 * There the person chooses a username (a new account) or proves the account that has the same email
 * (a link). A failed sign-in lands on `/login?oidc_error=<code>`.
 */

export const OidcProvider = Type.Object({
  /** Names the provider in the URLs above. */
  id: Type.String(),
  /** What the sign-in button says after "Continue with". */
  label: Type.String(),
});
export type OidcProvider = Static<typeof OidcProvider>;

export const OidcProvidersResponse = Type.Object({ providers: Type.Array(OidcProvider) });
export type OidcProvidersResponse = Static<typeof OidcProvidersResponse>;

export const OidcProviderParams = Type.Object({ provider: Type.String({ maxLength: 32 }) });
export type OidcProviderParams = Static<typeof OidcProviderParams>;

/** What the provider sends back: `code` and `state`, or `error` (e.g. `access_denied`). */
export const OidcCallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2000 })),
  state: Type.Optional(Type.String({ maxLength: 500 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 2000 })),
  iss: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type OidcCallbackQuery = Static<typeof OidcCallbackQuery>;

/** Why a provider sign-in failed, as `oidc_error` in the `/login` address it ends on. */
export const OIDC_SIGN_IN_ERRORS = [
  'oidc_unknown_provider',
  'oidc_unavailable',
  'oidc_flow_expired',
  'oidc_state_mismatch',
  'oidc_nonce_mismatch',
  'oidc_provider_error',
  'oidc_callback_failed',
  'oidc_email_missing',
] as const satisfies readonly ErrorCode[];
export type OidcSignInError = (typeof OIDC_SIGN_IN_ERRORS)[number];

/** The identity that came back from a provider with no account yet, for the "Choose your username" screen. */
export const OidcPendingResponse = Type.Object({
  provider: OidcProvider,
  email: Type.String(),
  /** Whether the provider vouches for the address; only then can it be linked to an existing account. */
  emailVerified: Type.Boolean(),
  /** The name the provider gave, if any. */
  name: Type.Union([Type.String(), Type.Null()]),
  /** A free username made from the email address, to start from. */
  suggestedUsername: Type.String(),
  /**
   * An account already has this email: the person links it (proving it with its password) instead
   * of creating a new one.
   */
  existingAccount: Type.Boolean(),
});
export type OidcPendingResponse = Static<typeof OidcPendingResponse>;

export const OidcCreateAccountBody = Type.Object(
  { username: Type.String({ maxLength: 200 }) },
  { additionalProperties: false },
);
export type OidcCreateAccountBody = Static<typeof OidcCreateAccountBody>;

export const OidcLinkBody = Type.Object(
  {
    /** The password of the account that has the provider's email address. */
    password: Type.String({ maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type OidcLinkBody = Static<typeof OidcLinkBody>;

/** A provider account linked to the signed-in user. */
export const LinkedIdentity = Type.Object({
  provider: OidcProvider,
  /** When it was linked. */
  linkedAt: Type.Number(),
});
export type LinkedIdentity = Static<typeof LinkedIdentity>;

export const LinkedIdentitiesResponse = Type.Object({
  identities: Type.Array(LinkedIdentity),
  /**
   * Whether the account has a password. Without one, its last linked identity cannot be unlinked
   * (`oidc_last_sign_in_method`): set a password first, through "forgot password".
   */
  hasPassword: Type.Boolean(),
});
export type LinkedIdentitiesResponse = Static<typeof LinkedIdentitiesResponse>;
