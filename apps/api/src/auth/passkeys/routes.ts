import {
  OwnerProofBody,
  PasskeyListResponse,
  PasskeyLoginBody,
  PasskeyParams,
  PasskeyRegisterBody,
  PasskeyResponse,
  UserResponse,
  WebAuthnOptionsResponse,
} from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../http/errors.ts';
import { authOf } from '../authenticate.ts';
import { confirmOwner } from '../owner-proof.ts';
import { enforceLimit } from '../rate-limits.ts';
import { completeSignIn } from '../sign-in.ts';
import { deletePasskey, listPasskeys, toPasskey } from './repository.ts';
import { loginOptions, type PasskeyContext, passkeyLogin, registerPasskey, registrationOptions } from './service.ts';

/** How `confirmOwner`'s refusals word removing a passkey. */
const REMOVING_PASSKEY = { retry: 'remove the passkey', undone: 'the passkey was not removed' } as const;

/** Passkeys (WebAuthn): registering them in settings, and signing in with one instead of a password. */
export async function passkeyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { publicUrl } = app.config;
  const context: PasskeyContext = { db: app.database.db, rpId: publicUrl.hostname, origin: publicUrl.origin };

  app.get(
    '/passkeys',
    { preHandler: app.requireUser, schema: { response: { 200: PasskeyListResponse } } },
    async (request) => ({ passkeys: (await listPasskeys(app.database.db, authOf(request).user.id)).map(toPasskey) }),
  );

  app.post(
    '/passkeys/options',
    { preHandler: app.requireUser, schema: { response: { 200: WebAuthnOptionsResponse } } },
    async (request) => ({ options: await registrationOptions(context, authOf(request).user) }),
  );

  app.post(
    '/passkeys',
    { preHandler: app.requireUser, schema: { body: PasskeyRegisterBody, response: { 201: PasskeyResponse } } },
    async (request, reply) => {
      const passkey = await registerPasskey(context, authOf(request).user, request.body.name, request.body.response);
      return reply.status(201).send({ passkey });
    },
  );

  // Removing a way in asks for proof of ownership (the password, or a fresh sign-in for an account
  // without one), so that a borrowed session cannot swap the owner's passkeys.
  app.delete(
    '/passkeys/:id',
    { preHandler: app.requireUser, schema: { params: PasskeyParams, body: OwnerProofBody } },
    async (request, reply) => {
      const { user, session } = authOf(request);
      await confirmOwner(app.database.db, user, session, request.body, Date.now(), REMOVING_PASSKEY);
      if (!(await deletePasskey(app.database.db, user.id, request.params.id)))
        throw new AppError(404, 'not_found', 'That passkey does not exist.');
      return reply.status(204).send();
    },
  );

  app.post('/login/passkey/options', { schema: { response: { 200: WebAuthnOptionsResponse } } }, async (request) => {
    await enforceLimit(app, 'passkeyLoginPerIp', request.ip);
    return { options: await loginOptions(context) };
  });

  // A passkey with user verification is already two factors (the device, and the PIN or
  // fingerprint that unlocks it): no TOTP code is asked after it.
  app.post(
    '/login/passkey',
    { schema: { body: PasskeyLoginBody, response: { 200: UserResponse } } },
    async (request, reply) => {
      await enforceLimit(app, 'passkeyLoginPerIp', request.ip);
      const user = await passkeyLogin(context, request.body.response);
      return completeSignIn(app, request, reply, user, request.body.issueToken);
    },
  );
}
