import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * OWASP's "device cookie": proof that this browser signed in to an account before. Login attempts
 * that carry one for the account named count in a bucket of their own, so strangers' wrong guesses
 * cannot lock the owner out. Signed with the session secret, so nobody makes one up; it holds no
 * session and opens nothing by itself.
 */
export const DEVICE_COOKIE = 'device';
/** Browsers cap cookie lifetimes at 400 days. */
const DEVICE_COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60;
const DEVICE_ID_BYTES = 16;

export interface Device {
  userId: number;
  /** Names this browser's login bucket. */
  deviceId: string;
}

/** Marks this browser as one where the user signed in; a later sign-in replaces it. */
export function setDeviceCookie(reply: FastifyReply, userId: number, secure: boolean): void {
  const deviceId = randomBytes(DEVICE_ID_BYTES).toString('base64url');
  reply.setCookie(DEVICE_COOKIE, `${userId}.${deviceId}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    // Only the login route reads it.
    path: '/api/auth',
    maxAge: DEVICE_COOKIE_MAX_AGE_S,
  });
}

/** The device a request's cookie names, when its signature holds. */
export function presentedDevice(request: FastifyRequest): Device | undefined {
  const raw = request.cookies[DEVICE_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const match = /^(\d+)\.([\w-]+)$/.exec(unsigned.value);
  if (!match?.[1] || !match[2]) return undefined;
  return { userId: Number(match[1]), deviceId: match[2] };
}
