import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../http/errors.ts';
import { Signal } from '../infra/signal.ts';
import { deviceOf } from './devices.ts';
import { LiveSessions, type SignedIn } from './sessions.ts';
import { memoryUsedTickets, redisUsedTickets } from './used-tickets.ts';
import { redeemWsTicket, type TicketReading } from './ws-ticket.ts';

export const SESSION_COOKIE = 'sid';
/** Browsers cap cookie lifetimes at 400 days. */
const COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60;

export type Auth = SignedIn;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the requireUser / requireVerifiedUser pre-handlers. */
    auth: Auth | null;
  }
  interface FastifyInstance {
    /** The session and user a request carries (cookie or bearer token), or undefined. */
    authenticate(request: FastifyRequest): Promise<Auth | undefined>;
    /** Live sessions by token or id hash (a WebSocket ticket names its session by hash). */
    liveSessions: LiveSessions;
    requireUser(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    /** Chatting needs a confirmed address; signed-in but unverified users get 403 email_not_verified. */
    requireVerifiedUser(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    setSessionCookie(reply: FastifyReply, token: string): void;
    clearSessionCookie(reply: FastifyReply): void;
    /** Reads a WebSocket ticket and uses it up, on every node at once: a second use is refused as 'used'. */
    redeemWsTicket(ticket: string, now: number): Promise<TicketReading>;
    /** Sessions ended (sign-out, password reset): whoever holds their connections closes them. */
    sessionsEnded: SessionsEnded;
  }
}

export type EndedSessions = string[] | 'all';
/** Auth's one outward event; the gateway, a higher capability, closes the sockets of ended sessions. */
export type SessionsEnded = Signal<[userId: number, sessionIdHashes: EndedSessions]>;

/** The caller of a route behind requireUser or requireVerifiedUser. */
export function authOf(request: FastifyRequest): Auth {
  if (!request.auth) throw new AppError(401, 'unauthenticated', 'Sign in first.');
  return request.auth;
}

/** The session token a request presents: a bearer token (non-browser clients) or the signed cookie. */
function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || undefined;
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

export const authentication = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    await app.register(cookie, { secret: config.sessionSecret });
    app.decorateRequest('auth', null);
    app.decorate('sessionsEnded', new Signal<[number, EndedSessions]>());

    const liveSessions = new LiveSessions(app.database.db);
    app.decorate('liveSessions', liveSessions);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = presentedToken(request);
      if (!token) return undefined;
      return liveSessions.byToken(token, Date.now(), deviceOf(request));
    });

    app.decorate('requireUser', async (request: FastifyRequest) => {
      const auth = await app.authenticate(request);
      if (!auth) throw new AppError(401, 'unauthenticated', 'Sign in first.');
      request.auth = auth;
    });

    app.decorate('requireVerifiedUser', async (request: FastifyRequest, reply: FastifyReply) => {
      await app.requireUser(request, reply);
      if (request.auth?.user.email_verified_at === null) {
        throw new AppError(403, 'email_not_verified', 'Confirm your email address first: check your inbox.');
      }
    });

    app.decorate('setSessionCookie', (reply: FastifyReply, token: string) => {
      reply.setCookie(SESSION_COOKIE, token, {
        signed: true,
        httpOnly: true,
        sameSite: 'lax',
        secure: config.publicUrl.protocol === 'https:',
        path: '/',
        // The server decides when a session ends (sliding expiry); the cookie only has to outlive it.
        maxAge: COOKIE_MAX_AGE_S,
      });
    });

    app.decorate('clearSessionCookie', (reply: FastifyReply) => {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    });

    const usedTickets = app.redis ? redisUsedTickets(app.redis, config.redisPrefix) : memoryUsedTickets();
    app.addHook('onClose', async () => usedTickets.close());
    app.decorate('redeemWsTicket', (ticket: string, now: number) =>
      redeemWsTicket(usedTickets, config.sessionSecret, ticket, now),
    );
  },
  { name: 'authentication', dependencies: ['infrastructure'] },
);
