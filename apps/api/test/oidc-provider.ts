import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/** What the provider says about one of its accounts. */
export interface ProviderAccount {
  email: string;
  email_verified: boolean;
  name?: string;
}

export interface TestOidcProviderOptions {
  clientId: string;
  clientSecret: string;
  /** Every redirect URI the client may use: one per chat server that signs in through it. */
  redirectUris: string[];
  /** The account of a name no test made with setAccount; none (a refusal) when unset. */
  accountFor?: (id: string) => ProviderAccount;
}

const SCOPES = 'openid email profile';

/**
 * A real OpenID Connect provider (panva's oidc-provider), on a free port of this machine, for the
 * tests: one confidential client that must use PKCE, and a sign-in page of its own where one names
 * the account to be signed in as (no password), or cancels, which answers `access_denied`.
 */
export class TestOidcProvider {
  private readonly accounts = new Map<string, ProviderAccount>();

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  static async start(options: TestOidcProviderOptions, port = 0): Promise<TestOidcProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const test = new TestOidcProvider(server, issuer);
    const provider = new Provider(issuer, test.configuration(options));
    const handle = provider.callback();
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const interaction = /^\/interaction\/([\w-]+)$/.exec(request.url ?? '');
      if (!interaction) return void handle(request, response);
      test.interaction(provider, request, response, options.accountFor).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
    return test;
  }

  /** Makes (or changes) an account people can sign in as, by its id (its `sub`). */
  setAccount(id: string, account: ProviderAccount): void {
    this.accounts.set(id, account);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private configuration(options: TestOidcProviderOptions): Configuration {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    return {
      clients: [
        {
          client_id: options.clientId,
          client_secret: options.clientSecret,
          redirect_uris: options.redirectUris,
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      pkce: { required: () => true },
      // Explicit lifetimes: a test run is short, and the defaults would be announced on every use.
      ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      jwks: { keys: [{ ...key, kid: 'test', alg: 'RS256', use: 'sig' } as never] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      findAccount: (_ctx, id) => {
        const account = this.accounts.get(id) ?? options.accountFor?.(id);
        if (!account) return undefined;
        return { accountId: id, claims: async () => ({ sub: id, ...account }) };
      },
    };
  }

  /** The provider's sign-in page: a form naming the account, and its answer. */
  private async interaction(
    provider: Provider,
    request: IncomingMessage,
    response: ServerResponse,
    accountFor: TestOidcProviderOptions['accountFor'],
  ): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    if (request.method === 'GET') {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(signInPage(details.uid));
      return;
    }
    const form = new URLSearchParams(await readBody(request));
    if (form.has('cancel')) {
      await provider.interactionFinished(request, response, {
        error: 'access_denied',
        error_description: 'The person cancelled signing in.',
      });
      return;
    }
    const accountId = form.get('account') ?? '';
    if (!this.accounts.has(accountId) && !accountFor) {
      response.statusCode = 400;
      response.end(`no account ${accountId}`);
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(SCOPES);
    const grantId = await grant.save();
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }
}

function signInPage(uid: string): string {
  return `<!doctype html><html lang="en"><head><title>Test provider</title></head><body>
<h1>Sign in to the test provider</h1>
<form method="post" action="/interaction/${uid}">
<label>Account <input name="account" autocomplete="off"></label>
<button type="submit">Sign in</button>
<button type="submit" name="cancel" value="1">Cancel</button>
</form></body></html>`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A browser at the provider, as far as the tests need one: it follows the provider's redirects
 * with the provider's cookies, answers the sign-in page as `accountId` (or cancels), and stops at
 * the redirect back to the app, whose URL it returns.
 */
export async function signInAtProvider(
  authorizationUrl: string,
  answer: { account: string } | 'cancel',
  appOrigin: string,
): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  let body: string | undefined;
  for (let hop = 0; hop < 10; hop += 1) {
    if (url.origin === appOrigin) return url;
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      cookies.set(name, value.join('='));
    }
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      body = undefined;
      continue;
    }
    if (response.status !== 200 || !url.pathname.startsWith('/interaction/')) {
      throw new Error(`the provider answered ${response.status}: ${await response.text()}`);
    }
    await response.text();
    body = answer === 'cancel' ? 'cancel=1' : new URLSearchParams({ account: answer.account }).toString();
  }
  throw new Error('the provider redirected too often');
}
