import type { FastifyInstance, FastifyReply } from 'fastify';
import { setDeviceCookie } from './device-cookie.ts';

/**
 * A browser that signs in, by any path, gets its session cookie and, for later password logins,
 * a device cookie of that account.
 */
export function signInBrowser(app: FastifyInstance, reply: FastifyReply, sessionToken: string, userId: number): void {
  app.setSessionCookie(reply, sessionToken);
  setDeviceCookie(reply, userId, app.config.publicUrl.protocol === 'https:');
}
