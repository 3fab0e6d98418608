import { emailProblem, normalizeEmail, type OidcCallbackQuery } from '@chat/protocol';
import * as client from 'openid-client';
import type { OidcProviderConfig } from '../../config/oidc-providers.ts';
import { OidcFailure } from './failure.ts';
import type { OidcFlow } from './flow-cookie.ts';
import type { ProviderIdentity } from './identities-repository.ts';
import { OIDC_SCOPES, type OidcProviders } from './providers.ts';

/** OpenID Connect Core: `sub` is at most 255 ASCII characters. */
const MAX_SUBJECT_LENGTH = 255;
/** As the column keeps it. */
const MAX_NAME_LENGTH = 200;
/** The provider's error code goes into our sign-in page's address: only what looks like one. */
const PROVIDER_ERROR = /^[\w.-]{1,64}$/;

/** Where to send the browser to sign in at the provider, with the checks the callback will need. */
export async function authorizationUrl(
  providers: OidcProviders,
  provider: OidcProviderConfig,
  redirectUri: string,
  now: number,
  ttlMs: number,
): Promise<{ url: URL; flow: OidcFlow }> {
  const configuration = await providers.configuration(provider);
  const verifier = client.randomPKCECodeVerifier();
  const flow: OidcFlow = {
    provider: provider.id,
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier,
    expiresAt: now + ttlMs,
  };
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: OIDC_SCOPES,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url, flow };
}

/**
 * Checks what came back against the flow this browser started, redeems the code (openid-client
 * checks the issuer, the ID token's signature, audience, expiry and nonce) and reads who signed in.
 */
export async function exchangeCode(
  providers: OidcProviders,
  provider: OidcProviderConfig,
  flow: OidcFlow | undefined,
  query: OidcCallbackQuery,
  callbackUrl: URL,
): Promise<ProviderIdentity> {
  if (query.error !== undefined) {
    const providerError = PROVIDER_ERROR.test(query.error) ? query.error : 'unknown';
    throw new OidcFailure('oidc_provider_error', { providerError });
  }
  if (!flow || flow.provider !== provider.id) throw new OidcFailure('oidc_flow_expired');
  if (query.state !== flow.state) throw new OidcFailure('oidc_state_mismatch');
  const configuration = await providers.configuration(provider);
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    throw classify(error);
  }
  const idToken = tokens.claims();
  if (!idToken || idToken.sub.length > MAX_SUBJECT_LENGTH) throw new OidcFailure('oidc_callback_failed');
  const claims = await withProfile(configuration, idToken, tokens.access_token);
  const email = typeof claims.email === 'string' ? normalizeEmail(claims.email) : '';
  if (emailProblem(email)) throw new OidcFailure('oidc_email_missing');
  const name =
    typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, MAX_NAME_LENGTH) : null;
  return { provider: provider.id, subject: idToken.sub, email, emailVerified: claims.email_verified === true, name };
}

/**
 * Many providers put the email and name in the ID token; the others (OpenID Connect's default for
 * the code flow) answer them at the userinfo endpoint, whose `sub` openid-client checks is the same.
 */
async function withProfile(
  configuration: client.Configuration,
  idToken: client.IDToken,
  accessToken: string,
): Promise<Record<string, unknown>> {
  if (typeof idToken.email === 'string') return idToken;
  try {
    return { ...(await client.fetchUserInfo(configuration, accessToken, idToken.sub)), ...idToken };
  } catch (error) {
    throw classify(error);
  }
}

/** openid-client's refusal, as what the person is told: a nonce that does not match is named. */
function classify(error: unknown): OidcFailure {
  if (error instanceof OidcFailure) return error;
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const detail = cause.cause;
    const claim = typeof detail === 'object' && detail !== null ? (detail as { claim?: unknown }).claim : undefined;
    if ((cause as { code?: unknown }).code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && claim === 'nonce') {
      return new OidcFailure('oidc_nonce_mismatch', { cause: error });
    }
    if (cause instanceof client.ResponseBodyError && PROVIDER_ERROR.test(cause.error)) {
      return new OidcFailure('oidc_provider_error', { providerError: cause.error, cause: error });
    }
  }
  return new OidcFailure('oidc_callback_failed', { cause: error });
}
