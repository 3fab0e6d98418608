import {
  AcceptedResponse,
  AvailabilityQuery,
  AvailabilityResponse,
  ForgotPasswordBody,
  LoginBody,
  LoginResponse,
  normalizeEmail,
  ResetPasswordBody,
  SignupBody,
  TokenBody,
  UserResponse,
} from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { toMe } from '../users/users-repository.ts';
import {
  accountsContext,
  availabilityProblem,
  findLoginAccount,
  login,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signup,
  verifyEmail,
} from './accounts.ts';
import { authOf } from './authenticate.ts';
import { presentedDevice } from './device-cookie.ts';
import { deviceOf } from './devices.ts';
import { passkeyRoutes } from './passkeys/routes.ts';
import { enforceLimit, loginBucket } from './rate-limits.ts';
import { deleteSession, deleteUserSessions } from './sessions.ts';
import { completeSignIn, setSignInCookies } from './sign-in.ts';
import { issueToken, TOKEN_TTL_MS } from './tokens.ts';
import { isTwoFactorEnabled } from './two-factor/repository.ts';
import { twoFactorRoutes } from './two-factor/routes.ts';

const accepted = { status: 'accepted' as const };

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = accountsContext(app);
  const signIn = (reply: FastifyReply, token: string, userId: number) => setSignInCookies(app, reply, token, userId);
  /** What a sign-in answers when the second factor is still owed: no session, a challenge for the code. */
  const twoFactorChallenge = async (userId: number) => {
    const now = Date.now();
    const challenge = await issueToken(app.database.db, userId, 'two_factor', now);
    return { twoFactor: { challenge, expiresAt: now + TOKEN_TTL_MS.two_factor } };
  };
  await app.register(twoFactorRoutes);
  await app.register(passkeyRoutes);

  app.get(
    '/availability',
    { schema: { querystring: AvailabilityQuery, response: { 200: AvailabilityResponse } } },
    async (request) => {
      // Charged for the field that is answered: availabilityProblem asks about the username first.
      const field = request.query.username !== undefined ? 'availabilityUsernamePerIp' : 'availabilityEmailPerIp';
      await enforceLimit(app, field, request.ip);
      const reason = await availabilityProblem(context, request.query);
      return reason ? { available: false, reason } : { available: true };
    },
  );

  app.post('/signup', { schema: { body: SignupBody, response: { 201: UserResponse } } }, async (request, reply) => {
    await enforceLimit(app, 'signupPerIp', request.ip);
    const { user, sessionToken } = await signup(context, request.body, { kind: 'browser', ...deviceOf(request) });
    signIn(reply, sessionToken, user.id);
    return reply.status(201).send({ user });
  });

  app.post('/verify', { schema: { body: TokenBody, response: { 200: UserResponse } } }, async (request) => ({
    user: await verifyEmail(context, request.body.token),
  }));

  app.post(
    '/verify/resend',
    { preHandler: app.requireUser, schema: { response: { 202: AcceptedResponse } } },
    async (request, reply) => {
      const { user } = authOf(request);
      await enforceLimit(app, 'resendPerUser', String(user.id));
      await resendVerification(context, user);
      return reply.status(202).send(accepted);
    },
  );

  app.post('/login', { schema: { body: LoginBody, response: { 200: LoginResponse } } }, async (request, reply) => {
    await enforceLimit(app, 'loginPerIp', request.ip);
    const account = await findLoginAccount(context, request.body.login);
    const bucket = loginBucket(account?.id, request.body.login, presentedDevice(request));
    await enforceLimit(app, bucket.name, bucket.subject);
    const user = await login(context, account, request.body.password);
    // A right password of a two-factor account opens no session yet: only a challenge for its code.
    if (await isTwoFactorEnabled(app.database.db, user.id)) return twoFactorChallenge(user.id);
    return completeSignIn(app, request, reply, user, request.body.issueToken);
  });

  // Ending a session also closes its sockets, on whichever node they are.
  app.post('/logout', { preHandler: app.requireUser }, async (request, reply) => {
    const { session } = authOf(request);
    await deleteSession(app.database.db, session.idHash);
    app.sessionsEnded.emit(session.userId, [session.idHash]);
    app.clearSessionCookie(reply);
    return reply.status(204).send();
  });

  app.post('/logout-all', { preHandler: app.requireUser }, async (request, reply) => {
    const { user } = authOf(request);
    await deleteUserSessions(app.database.db, user.id);
    app.sessionsEnded.emit(user.id, 'all');
    app.clearSessionCookie(reply);
    return reply.status(204).send();
  });

  app.get('/me', { preHandler: app.requireUser, schema: { response: { 200: UserResponse } } }, async (request) => ({
    user: toMe(authOf(request).user),
  }));

  app.post(
    '/password/forgot',
    { schema: { body: ForgotPasswordBody, response: { 202: AcceptedResponse } } },
    async (request, reply) => {
      await enforceLimit(app, 'forgotPerIp', request.ip);
      await enforceLimit(app, 'forgotPerEmail', normalizeEmail(request.body.email));
      await requestPasswordReset(context, request.body.email);
      return reply.status(202).send(accepted);
    },
  );

  app.post(
    '/password/reset',
    { schema: { body: ResetPasswordBody, response: { 200: LoginResponse } } },
    async (request, reply) => {
      const { user, sessionToken } = await resetPassword(context, request.body, {
        kind: 'browser',
        ...deviceOf(request),
      });
      app.sessionsEnded.emit(user.id, 'all');
      if (!sessionToken) return twoFactorChallenge(user.id);
      signIn(reply, sessionToken, user.id);
      return { user: toMe(user) };
    },
  );
}
