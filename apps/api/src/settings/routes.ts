import { SettingsBody, UserResponse } from '@chat/protocol';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { AppError } from '../http/errors.ts';
import { findUserById, toMe, updateSettings } from '../users/users-repository.ts';

/** The signed-in user's settings. */
export async function settingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const db = app.database.db;

  app.patch(
    '/me/settings',
    { preHandler: app.requireUser, schema: { body: SettingsBody, response: { 200: UserResponse } } },
    async (request) => {
      const userId = authOf(request).user.id;
      const { presenceVisibility, ...switches } = request.body;
      await updateSettings(db, userId, switches);
      if (presenceVisibility !== undefined) await app.presence.setVisibility(userId, presenceVisibility);
      const user = await findUserById(db, userId);
      if (!user) throw new AppError(401, 'unauthenticated', 'Sign in first.');
      return { user: toMe(user) };
    },
  );
}
