import type { OidcProvider } from '@chat/protocol';
import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';

/**
 * "Continue with …" for each identity provider the server has; nothing when it has none. Each is
 * an ordinary link: signing in at a provider leaves the app and comes back through the server.
 */
export function IdentityProviders() {
  const [providers, setProviders] = useState<readonly OidcProvider[]>([]);

  useEffect(() => {
    let current = true;
    api
      .identityProviders()
      .then(({ providers: listed }) => current && setProviders(listed))
      // Without the list the password form still works; there is nothing to add.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);

  if (providers.length === 0) return null;
  return (
    <div className="identity-providers">
      <p className="auth-divider">or</p>
      {providers.map((provider) => (
        <a key={provider.id} className="button wide" href={`/api/auth/oidc/${encodeURIComponent(provider.id)}/start`}>
          Continue with {provider.label}
        </a>
      ))}
    </div>
  );
}
