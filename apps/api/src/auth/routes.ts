import {
  AcceptedResponse,
  AvailabilityQuery,
  AvailabilityResponse,
  ForgotPasswordBody,
  LoginBody,
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
import { signInBrowser } from './browser-session.ts';
import { presentedDevice } from './device-cookie.ts';
import { enforceLimit, loginBucket } from './rate-limits.ts';
import { createSession, deleteSession, deleteUserSessions } from './sessions.ts';

const accepted = { status: 'accepted' as const };

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context = accountsContext(app);
  const signIn = (reply: FastifyReply, token: string, userId: number) => signInBrowser(app, reply, token, userId);

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
    const { user, sessionToken } = await signup(context, request.body);
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

  app.post('/login', { schema: { body: LoginBody, response: { 200: UserResponse } } }, async (request, reply) => {
    await enforceLimit(app, 'loginPerIp', request.ip);
    const account = await findLoginAccount(context, request.body.login);
    const bucket = loginBucket(account?.id, request.body.login, presentedDevice(request));
    await enforceLimit(app, bucket.name, bucket.subject);
    const user = await login(context, account, request.body.password);
    const { token } = await createSession(app.database.db, user.id, Date.now());
    if (request.body.issueToken) return { user: toMe(user), token };
    signIn(reply, token, user.id);
    return { user: toMe(user) };
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
    { schema: { body: ResetPasswordBody, response: { 200: UserResponse } } },
    async (request, reply) => {
      const { user, sessionToken } = await resetPassword(context, request.body);
      app.sessionsEnded.emit(user.id, 'all');
      signIn(reply, sessionToken, user.id);
      return { user };
    },
  );
}
