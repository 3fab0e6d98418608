import type { Me } from '@chat/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toMe, type UserRow } from '../users/users-repository.ts';
import { setDeviceCookie } from './device-cookie.ts';
import { deviceOf } from './devices.ts';
import { createSession } from './sessions.ts';

/** A browser that signs in gets its session and, for later logins, a device cookie of that account. */
export function setSignInCookies(app: FastifyInstance, reply: FastifyReply, token: string, userId: number): void {
  app.setSessionCookie(reply, token);
  setDeviceCookie(reply, userId, app.config.publicUrl.protocol === 'https:');
}

/**
 * The end of every sign-in that proved who the user is (password, password and second factor,
 * passkey): a new session, as a cookie for browsers or as a bearer token for other clients, with
 * the device it was opened from.
 */
export async function completeSignIn(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  issueToken: boolean | undefined,
): Promise<{ user: Me; token?: string }> {
  const device = { kind: issueToken ? ('token' as const) : ('browser' as const), ...deviceOf(request) };
  const { token } = await createSession(app.database.db, user.id, Date.now(), device);
  if (issueToken) return { user: toMe(user), token };
  setSignInCookies(app, reply, token, user.id);
  return { user: toMe(user) };
}
