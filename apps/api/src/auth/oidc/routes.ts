import {
  LinkedIdentitiesResponse,
  OidcCallbackQuery,
  OidcCreateAccountBody,
  OidcLinkBody,
  OidcPendingResponse,
  OidcProviderParams,
  OidcProvidersResponse,
  UserResponse,
} from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findUserById, toMe } from '../../users/users-repository.ts';
import { accountsContext, login } from '../accounts.ts';
import { authOf } from '../authenticate.ts';
import { presentedDevice } from '../device-cookie.ts';
import { deviceOf } from '../devices.ts';
import { enforceLimit, loginBucket } from '../rate-limits.ts';
import { setSignInCookies } from '../sign-in.ts';
import { authorizationUrl, exchangeCode } from './exchange.ts';
import { OidcFailure } from './failure.ts';
import { clearFlowCookie, FLOW_TTL_MS, presentedFlow, setFlowCookie } from './flow-cookie.ts';
import { linkedIdentities, unlinkIdentity } from './linked.ts';
import { clearPendingCookie, presentedPendingToken, setPendingCookie } from './pending-cookie.ts';
import { callbackPath, OidcProviders } from './providers.ts';
import {
  createAccountForPending,
  describePending,
  linkPending,
  pendingIdentity,
  signInWithIdentity,
} from './sign-in.ts';

/** Where a new identity goes on: the web app's "Choose your username" screen. */
const CONTINUE_PATH = '/sign-in/continue';
/** The browser is sent on, not answered: these routes end in a redirect whatever happens. */
const redirectSchema = (description: string) => ({ 302: { description, type: 'null' } });

export async function oidcRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const providers = new OidcProviders(app.config.oidcProviders);
  const context = accountsContext(app);
  const secure = app.config.publicUrl.protocol === 'https:';
  const browserDevice = (request: FastifyRequest) => ({ kind: 'browser' as const, ...deviceOf(request) });
  const redirectUri = (providerId: string) => new URL(callbackPath(providerId), app.config.publicUrl);
  const labelOf = (providerId: string) => providers.find(providerId)?.label ?? providerId;

  /** A failed sign-in lands on the sign-in page with its code; anything unexpected is logged, never shown. */
  const failed = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    const failure = error instanceof OidcFailure ? error : new OidcFailure('oidc_callback_failed', { cause: error });
    // A person cancelling or a stale tab is ordinary; a provider that fails or is unreachable is for the operator.
    const operatorsConcern = failure.code === 'oidc_callback_failed' || failure.code === 'oidc_unavailable';
    const details = { err: failure.cause, code: failure.code, providerError: failure.providerError };
    if (operatorsConcern) request.log.warn(details, 'OIDC sign-in failed');
    else request.log.info(details, 'OIDC sign-in refused');
    return reply.redirect(failure.location());
  };
  const knownProvider = (id: string) => {
    const provider = providers.find(id);
    if (!provider) throw new OidcFailure('oidc_unknown_provider');
    return provider;
  };

  app.get('/providers', { schema: { response: { 200: OidcProvidersResponse } } }, async () => ({
    providers: providers.list().map(({ id, label }) => ({ id, label })),
  }));

  app.get(
    '/:provider/start',
    {
      schema: {
        params: OidcProviderParams,
        response: redirectSchema('To the provider, or back to /login with oidc_error'),
      },
    },
    async (request, reply) => {
      try {
        const provider = knownProvider(request.params.provider);
        const now = Date.now();
        const { url, flow } = await authorizationUrl(
          providers,
          provider,
          redirectUri(provider.id).href,
          now,
          FLOW_TTL_MS,
        );
        setFlowCookie(reply, flow, secure);
        return reply.redirect(url.href);
      } catch (error) {
        return failed(request, reply, error);
      }
    },
  );

  app.get(
    '/:provider/callback',
    {
      schema: {
        params: OidcProviderParams,
        querystring: OidcCallbackQuery,
        response: redirectSchema(
          `Signed in to /, to ${CONTINUE_PATH} for a new identity, or to /login with oidc_error`,
        ),
      },
    },
    async (request, reply) => {
      const flow = presentedFlow(request, Date.now());
      clearFlowCookie(reply);
      try {
        const provider = knownProvider(request.params.provider);
        const callbackUrl = new URL(request.url, app.config.publicUrl);
        const identity = await exchangeCode(providers, provider, flow, request.query, callbackUrl);
        const outcome = await signInWithIdentity(context, identity, browserDevice(request));
        if (outcome.kind === 'pending') {
          setPendingCookie(reply, outcome.token, secure);
          return reply.redirect(CONTINUE_PATH);
        }
        setSignInCookies(app, reply, outcome.sessionToken, outcome.userId);
        return reply.redirect('/');
      } catch (error) {
        return failed(request, reply, error);
      }
    },
  );

  app.get('/pending', { schema: { response: { 200: OidcPendingResponse } } }, async (request) => {
    const pending = await pendingIdentity(context, presentedPendingToken(request));
    return describePending(context, pending, { id: pending.provider, label: labelOf(pending.provider) });
  });

  app.post(
    '/pending/account',
    { schema: { body: OidcCreateAccountBody, response: { 201: UserResponse } } },
    async (request, reply) => {
      await enforceLimit(app, 'signupPerIp', request.ip);
      const pending = await pendingIdentity(context, presentedPendingToken(request));
      const { user, sessionToken } = await createAccountForPending(
        context,
        pending,
        request.body.username,
        browserDevice(request),
      );
      clearPendingCookie(reply);
      setSignInCookies(app, reply, sessionToken, user.id);
      return reply.status(201).send({ user });
    },
  );

  app.post(
    '/pending/link',
    { schema: { body: OidcLinkBody, response: { 200: UserResponse } } },
    async (request, reply) => {
      const pending = await pendingIdentity(context, presentedPendingToken(request));
      const linked = await linkPending(
        context,
        pending,
        labelOf(pending.provider),
        browserDevice(request),
        async (account) => {
          // The same limits as the login form: a pending identity is no way around them.
          await enforceLimit(app, 'loginPerIp', request.ip);
          const bucket = loginBucket(account?.id, pending.email, presentedDevice(request));
          await enforceLimit(app, bucket.name, bucket.subject);
          return login(context, account, request.body.password);
        },
      );
      clearPendingCookie(reply);
      setSignInCookies(app, reply, linked.sessionToken, linked.user.id);
      return { user: toMe((await findUserById(app.database.db, linked.user.id)) ?? linked.user) };
    },
  );

  app.get(
    '/identities',
    { preHandler: app.requireUser, schema: { response: { 200: LinkedIdentitiesResponse } } },
    async (request) => linkedIdentities(app.database.db, authOf(request).user, labelOf),
  );

  app.delete(
    '/identities/:provider',
    { preHandler: app.requireUser, schema: { params: OidcProviderParams } },
    async (request, reply) => {
      const { provider } = request.params;
      await unlinkIdentity(app.database.db, authOf(request).user, provider, labelOf(provider));
      return reply.status(204).send();
    },
  );
}
