import * as client from 'openid-client';
import type { OidcProviderConfig } from '../../config/oidc-providers.ts';
import { OidcFailure } from './failure.ts';

/** Where a provider sends the browser back; register PUBLIC_URL + this path at the provider. */
export const callbackPath = (providerId: string) => `/api/auth/oidc/${providerId}/callback`;

/** Scopes asked for: the ID token's `sub`, the email address and whether it is verified, and a name. */
export const OIDC_SCOPES = 'openid email profile';

/**
 * The configured providers, each with its discovered metadata (endpoints, keys), fetched on its
 * first use rather than at start-up: a provider that is down must not keep the chat from starting,
 * and a failed discovery is tried again on the next sign-in.
 */
export class OidcProviders {
  private readonly discovered = new Map<string, Promise<client.Configuration>>();

  constructor(private readonly providers: readonly OidcProviderConfig[]) {}

  list(): readonly OidcProviderConfig[] {
    return this.providers;
  }

  find(id: string): OidcProviderConfig | undefined {
    return this.providers.find((provider) => provider.id === id);
  }

  /** The provider's openid-client configuration; `oidc_unavailable` when its discovery fails. */
  async configuration(provider: OidcProviderConfig): Promise<client.Configuration> {
    let found = this.discovered.get(provider.id);
    if (!found) {
      found = discover(provider);
      this.discovered.set(provider.id, found);
      found.catch(() => this.discovered.delete(provider.id));
    }
    try {
      return await found;
    } catch (error) {
      throw new OidcFailure('oidc_unavailable', { cause: error });
    }
  }
}

function discover(provider: OidcProviderConfig): Promise<client.Configuration> {
  // The configuration allows plain http only for a provider on this machine (development, tests).
  const execute = provider.issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [];
  return client.discovery(provider.issuer, provider.clientId, provider.clientSecret, undefined, { execute });
}
