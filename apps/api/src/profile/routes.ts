import {
  AVATAR_SIZE,
  AvatarParams,
  DISPLAY_NAME_MAX,
  displayNameProblem,
  normalizeDisplayName,
  ProfileBody,
  UserResponse,
} from '@chat/protocol';
import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authOf } from '../auth/authenticate.ts';
import { findConversationPeers } from '../chat/conversations-repository.ts';
import { AppError, notFound } from '../http/errors.ts';
import { avatarIdOf, avatarKey, isAvatarId, squareAvatar } from '../uploads/images.ts';
import { receivePicture, refuseUndecodable } from '../uploads/receive.ts';
import { sendPicture } from '../uploads/send-picture.ts';
import { diskStorage } from '../uploads/storage.ts';
import { avatarInUse, findUserById, setAvatar, setDisplayName, toMe, toProfile } from '../users/users-repository.ts';
import { profileEvents } from './announce.ts';

const DISPLAY_NAME_MESSAGES: Record<string, string> = {
  display_name_too_long: `Display names have at most ${DISPLAY_NAME_MAX} characters.`,
  display_name_invalid: 'Display names cannot contain line breaks, control or text-direction characters.',
};

/** How a person presents themselves: display name and picture, told at once to those who talk with them. */
export async function profileRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = app;
  const db = app.database.db;
  const storage = diskStorage(config.uploadDir);
  await app.register(multipart, { limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 5 } });

  /** The account as it is now, after the change is announced to everyone who shows it. */
  async function changed(request: FastifyRequest) {
    const userId = authOf(request).user.id;
    const user = await findUserById(db, userId);
    if (!user) throw new AppError(401, 'unauthenticated', 'Sign in first.');
    app.gateway.deliver(profileEvents(toProfile(user), await findConversationPeers(db, userId)));
    return { user: toMe(user) };
  }

  app.patch(
    '/me/profile',
    { preHandler: app.requireUser, schema: { body: ProfileBody, response: { 200: UserResponse } } },
    async (request) => {
      const displayName = request.body.displayName === null ? null : normalizeDisplayName(request.body.displayName);
      const problem = displayName === null ? undefined : displayNameProblem(displayName);
      if (problem)
        throw new AppError(400, problem, DISPLAY_NAME_MESSAGES[problem] ?? problem, {
          fields: { displayName: problem },
        });
      await setDisplayName(db, authOf(request).user.id, displayName);
      return changed(request);
    },
  );

  app.put(
    '/me/avatar',
    { preHandler: app.requireVerifiedUser, schema: { response: { 200: UserResponse } } },
    async (request, reply) => {
      const avatarId = await receivePicture(request, reply, config.uploadMaxBytes, async ({ file }) => {
        const square = await squareAvatar(file, AVATAR_SIZE).catch(refuseUndecodable);
        const id = avatarIdOf(square);
        await storage.put(avatarKey(id), square);
        return id;
      });
      await setAvatar(db, authOf(request).user.id, avatarId);
      return changed(request);
    },
  );

  app.delete(
    '/me/avatar',
    { preHandler: app.requireUser, schema: { response: { 200: UserResponse } } },
    async (request) => {
      await setAvatar(db, authOf(request).user.id, null);
      return changed(request);
    },
  );

  app.get('/avatars/:id', { preHandler: app.requireUser, schema: { params: AvatarParams } }, async (request, reply) => {
    const { id } = request.params;
    // Only pictures someone shows now: a replaced or removed one is gone for everyone. Any
    // signed-in user may see them, as the directory shows them to anyone.
    if (!isAvatarId(id) || !(await avatarInUse(db, id))) throw notFound('That picture');
    const blob = await storage.read(avatarKey(id));
    if (!blob) throw notFound('That picture');
    return sendPicture(reply, blob, 'image/webp');
  });
}
