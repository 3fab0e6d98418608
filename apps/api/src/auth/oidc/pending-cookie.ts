import type { FastifyReply, FastifyRequest } from 'fastify';
import { OIDC_COOKIE_PATH } from './flow-cookie.ts';

/** Names this browser's pending identity; the server keeps the identity, under the token's hash. */
const PENDING_COOKIE = 'oidc_pending';
/** Time to choose a username, or to find the password of the account to link. */
export const PENDING_TTL_MS = 15 * 60_000;

export function setPendingCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(PENDING_COOKIE, token, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: OIDC_COOKIE_PATH,
    maxAge: PENDING_TTL_MS / 1000,
  });
}

export function presentedPendingToken(request: FastifyRequest): string | undefined {
  const raw = request.cookies[PENDING_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

export function clearPendingCookie(reply: FastifyReply): void {
  reply.clearCookie(PENDING_COOKIE, { path: OIDC_COOKIE_PATH });
}
