import { describe, expect, it } from 'vitest';
import { ConfigError } from './env.ts';
import { oidcProviders } from './oidc-providers.ts';

const corp = {
  OIDC_PROVIDERS: 'corp',
  OIDC_CORP_ISSUER: 'https://login.corp.example/',
  OIDC_CORP_CLIENT_ID: 'chat',
  OIDC_CORP_CLIENT_SECRET: 'shh',
};

function refusal(env: Record<string, string>): ConfigError {
  try {
    oidcProviders(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the providers were accepted');
}

describe('oidcProviders', () => {
  it('is empty when OIDC_PROVIDERS is unset', () => {
    expect(oidcProviders({})).toEqual([]);
  });

  it('reads each listed provider, in order, with a label from its id when none is given', () => {
    const providers = oidcProviders({
      ...corp,
      OIDC_PROVIDERS: 'corp, google',
      OIDC_CORP_LABEL: 'Corp SSO',
      OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
      OIDC_GOOGLE_CLIENT_ID: 'g-id',
      OIDC_GOOGLE_CLIENT_SECRET: 'g-secret',
    });
    expect(providers.map(({ id, label, clientId }) => ({ id, label, clientId }))).toEqual([
      { id: 'corp', label: 'Corp SSO', clientId: 'chat' },
      { id: 'google', label: 'Google', clientId: 'g-id' },
    ]);
    expect(providers[1]?.issuer.href).toBe('https://accounts.google.com/');
  });

  it('names a dashed id with underscores in its variables', () => {
    const [provider] = oidcProviders({
      OIDC_PROVIDERS: 'my-idp',
      OIDC_MY_IDP_ISSUER: 'https://idp.example',
      OIDC_MY_IDP_CLIENT_ID: 'a',
      OIDC_MY_IDP_CLIENT_SECRET: 'b',
    });
    expect(provider?.label).toBe('My-idp');
  });

  it.each([
    [{ OIDC_CORP_CLIENT_SECRET: '' }, 'OIDC_CORP_CLIENT_SECRET', /required, since OIDC_PROVIDERS lists "corp"/],
    [{ OIDC_CORP_ISSUER: 'login.corp.example' }, 'OIDC_CORP_ISSUER', /issuer URL/],
    [{ OIDC_CORP_ISSUER: 'http://login.corp.example' }, 'OIDC_CORP_ISSUER', /https/],
    [{ OIDC_CORP_ISSUER: 'https://login.corp.example/?tenant=1' }, 'OIDC_CORP_ISSUER', /no query/],
    [{ OIDC_PROVIDERS: 'Corp' }, 'OIDC_PROVIDERS', /"Corp"/],
    [{ OIDC_PROVIDERS: 'corp,corp' }, 'OIDC_PROVIDERS', /twice/],
    [{ OIDC_CORP_LABEL: 'x'.repeat(41) }, 'OIDC_CORP_LABEL', /at most 40/],
  ])('refuses %o, naming %s', (change, variable, message) => {
    const error = refusal({ ...corp, ...change });
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });

  it('takes plain http for a provider on this machine', () => {
    const [provider] = oidcProviders({ ...corp, OIDC_CORP_ISSUER: 'http://127.0.0.1:4000/oidc' });
    expect(provider?.issuer.href).toBe('http://127.0.0.1:4000/oidc');
  });
});
