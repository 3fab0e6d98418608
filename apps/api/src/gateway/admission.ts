import { CLOSE_CODES, PROTOCOL_VERSION, PROTOCOL_VERSION_PARAM, WS_LIMITS } from '@chat/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { deviceOf } from '../auth/devices.ts';
import type { UserRow } from '../users/users-repository.ts';

export interface Refusal {
  code: string;
  message: string;
  close: number;
}

export interface Admitted {
  user: UserRow;
  sessionIdHash: string;
}

const refuse = (code: string, message: string, close: number): Refusal => ({ code, message, close });

/**
 * Who may open a socket: a client of this protocol version, from our origin (or none: not a
 * browser), signed in by cookie, bearer token or ticket, with a confirmed address, and with room
 * under the per-user socket cap. Everything else is refused with a code and a close code that
 * says whether reconnecting can help.
 */
export async function admit(
  app: FastifyInstance,
  request: FastifyRequest,
  socketsOf: (userId: number) => number,
): Promise<Admitted | Refusal> {
  const query = request.query as Record<string, string | undefined>;
  const version = Number(query[PROTOCOL_VERSION_PARAM]);
  if (version !== PROTOCOL_VERSION) {
    return refuse(
      'protocol_version_unsupported',
      `This server speaks protocol version ${PROTOCOL_VERSION}; connect to /ws?${PROTOCOL_VERSION_PARAM}=${PROTOCOL_VERSION}.`,
      CLOSE_CODES.protocolVersionUnsupported,
    );
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== app.config.publicUrl.origin) {
    return refuse('bad_origin', `Connect from ${app.config.publicUrl.origin}.`, CLOSE_CODES.policyViolation);
  }
  const now = Date.now();
  // Either way the session's "last active" counts the connection, as a request would.
  const signedIn = query.ticket
    ? await ticketSession(app, request, query.ticket, now)
    : await app.authenticate(request);
  if (signedIn === 'expired') {
    return refuse('ticket_expired', 'That ticket has expired: ask for a new one.', CLOSE_CODES.ticketExpired);
  }
  if (!signedIn) return refuse('unauthenticated', 'Sign in first.', CLOSE_CODES.unauthenticated);
  const { session, user } = signedIn;
  if (user.email_verified_at === null) {
    return refuse('email_not_verified', 'Confirm your email address first.', CLOSE_CODES.forbidden);
  }
  if (socketsOf(user.id) >= WS_LIMITS.maxSocketsPerUser) {
    return refuse(
      'too_many_sockets',
      `You have ${WS_LIMITS.maxSocketsPerUser} connections open already: close a tab or device first.`,
      CLOSE_CODES.tooManySockets,
    );
  }
  return { user, sessionIdHash: session.idHash };
}

/** The session a ticket names, or 'expired' when its holder only has to ask for another one. */
async function ticketSession(app: FastifyInstance, request: FastifyRequest, ticket: string, now: number) {
  const reading = await app.redeemWsTicket(ticket, now);
  if ('refused' in reading) return reading.refused === 'expired' ? ('expired' as const) : undefined;
  return app.liveSessions.byHash(reading.sessionIdHash, now, deviceOf(request));
}
