import {
  PasswordBody,
  RecoveryCodesResponse,
  TwoFactorCodeBody,
  TwoFactorDisableBody,
  TwoFactorLoginBody,
  TwoFactorSetup,
  TwoFactorStatus,
  UserResponse,
} from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../http/errors.ts';
import { findUserById } from '../../users/users-repository.ts';
import { authOf } from '../authenticate.ts';
import { enforceLimit } from '../rate-limits.ts';
import { completeSignIn } from '../sign-in.ts';
import { checkToken, consumeToken } from '../tokens.ts';
import { secretBox } from './secret-box.ts';
import {
  beginSetup,
  confirmSetup,
  disableTwoFactor,
  regenerateRecoveryCodes,
  type TwoFactorContext,
  takeSecondFactor,
  twoFactorStatus,
  wrongCode,
} from './service.ts';

const challengeInvalid = () =>
  new AppError(400, 'challenge_invalid', 'That sign-in has expired or was already completed. Sign in again.');

/** TOTP two-factor: the second step of signing in, and turning it on and off in settings. */
export async function twoFactorRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const context: TwoFactorContext = {
    db: app.database.db,
    box: secretBox(app.config.sessionSecret),
    issuer: app.config.publicUrl.hostname,
  };

  app.post(
    '/login/two-factor',
    { schema: { body: TwoFactorLoginBody, response: { 200: UserResponse } } },
    async (request, reply) => {
      await enforceLimit(app, 'twoFactorPerIp', request.ip);
      const { challenge, code, issueToken } = request.body;
      const check = await checkToken(app.database.db, challenge, 'two_factor', Date.now());
      if (!check.ok) throw challengeInvalid();
      await enforceLimit(app, 'twoFactorPerAccount', `id:${check.userId}`);
      if (!(await takeSecondFactor(context, check.userId, code))) throw wrongCode();
      // Used up only by a right code: a typo keeps the challenge, the account's limit counts it.
      if (!(await consumeToken(app.database.db, challenge, 'two_factor', Date.now())).ok) throw challengeInvalid();
      const user = await findUserById(app.database.db, check.userId);
      if (!user) throw challengeInvalid();
      return completeSignIn(app, request, reply, user, issueToken);
    },
  );

  app.get(
    '/two-factor',
    { preHandler: app.requireUser, schema: { response: { 200: TwoFactorStatus } } },
    async (request) => twoFactorStatus(context, authOf(request).user.id),
  );

  app.post(
    '/two-factor/setup',
    { preHandler: app.requireUser, schema: { body: PasswordBody, response: { 200: TwoFactorSetup } } },
    async (request) => beginSetup(context, authOf(request).user, request.body.password),
  );

  app.post(
    '/two-factor/enable',
    { preHandler: app.requireUser, schema: { body: TwoFactorCodeBody, response: { 200: RecoveryCodesResponse } } },
    async (request) => {
      const { user } = authOf(request);
      await enforceLimit(app, 'twoFactorPerAccount', `id:${user.id}`);
      return { recoveryCodes: await confirmSetup(context, user.id, request.body.code) };
    },
  );

  app.post(
    '/two-factor/disable',
    { preHandler: app.requireUser, schema: { body: TwoFactorDisableBody } },
    async (request, reply) => {
      const { user } = authOf(request);
      await enforceLimit(app, 'twoFactorPerAccount', `id:${user.id}`);
      await disableTwoFactor(context, user, request.body);
      return reply.status(204).send();
    },
  );

  app.post(
    '/two-factor/recovery-codes',
    { preHandler: app.requireUser, schema: { body: TwoFactorCodeBody, response: { 200: RecoveryCodesResponse } } },
    async (request) => {
      const { user } = authOf(request);
      await enforceLimit(app, 'twoFactorPerAccount', `id:${user.id}`);
      return { recoveryCodes: await regenerateRecoveryCodes(context, user.id, request.body.code) };
    },
  );
}
