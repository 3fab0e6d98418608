import { ConfigError, type Env, readVar } from './env.ts';

/** One OpenID Connect provider, as OIDC_PROVIDERS and its OIDC_<ID>_* variables configure it. */
export interface OidcProviderConfig {
  /** Names the provider in URLs (`/api/auth/oidc/<id>/start`) and in the identities table. */
  id: string;
  /** What the button says after "Continue with". */
  label: string;
  issuer: URL;
  clientId: string;
  clientSecret: string;
}

/** Short, lower-case and URL-safe: it appears in the redirect URI registered at the provider. */
const PROVIDER_ID = /^[a-z][a-z0-9-]{0,31}$/;
/** Plain http only where nobody can listen in: a provider on this machine (development, tests). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_LABEL_LENGTH = 40;

/** OIDC_CORP_ISSUER for the provider `corp`; a dash in the id becomes an underscore. */
export const providerVariable = (id: string, field: string) => `OIDC_${id.toUpperCase().replaceAll('-', '_')}_${field}`;

/**
 * OIDC_PROVIDERS=google,corp names the providers; each then needs OIDC_<ID>_ISSUER,
 * OIDC_<ID>_CLIENT_ID and OIDC_<ID>_CLIENT_SECRET, and may set OIDC_<ID>_LABEL.
 */
export function oidcProviders(env: Env): OidcProviderConfig[] {
  const listed = readVar(env, 'OIDC_PROVIDERS');
  if (listed === undefined) return [];
  const ids = listed.split(',').map((id) => id.trim());
  const seen = new Set<string>();
  for (const id of ids) {
    if (!PROVIDER_ID.test(id)) {
      throw new ConfigError(
        'OIDC_PROVIDERS',
        `must list provider ids of lower-case letters, digits and dashes, separated by commas (got "${id}")`,
      );
    }
    if (seen.has(id)) throw new ConfigError('OIDC_PROVIDERS', `lists "${id}" twice`);
    seen.add(id);
  }
  return ids.map((id) => provider(env, id));
}

function provider(env: Env, id: string): OidcProviderConfig {
  const required = (field: string) => {
    const name = providerVariable(id, field);
    const value = readVar(env, name);
    if (value === undefined) throw new ConfigError(name, `is required, since OIDC_PROVIDERS lists "${id}"`);
    return value;
  };
  const labelVariable = providerVariable(id, 'LABEL');
  const label = readVar(env, labelVariable) ?? id.charAt(0).toUpperCase() + id.slice(1);
  if (label.length > MAX_LABEL_LENGTH) {
    throw new ConfigError(labelVariable, `must be at most ${MAX_LABEL_LENGTH} characters long`);
  }
  return {
    id,
    label,
    issuer: issuer(providerVariable(id, 'ISSUER'), required('ISSUER')),
    clientId: required('CLIENT_ID'),
    clientSecret: required('CLIENT_SECRET'),
  };
}

function issuer(name: string, raw: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be the provider's issuer URL (got "${raw}")`);
  }
  const loopbackHttp = parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol !== 'https:' && !loopbackHttp) {
    throw new ConfigError(name, `must start with https:// (plain http only on localhost) (got "${raw}")`);
  }
  if (parsed.search || parsed.hash) throw new ConfigError(name, `must have no query or fragment (got "${raw}")`);
  return parsed;
}
