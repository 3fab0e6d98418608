import { createHmac, timingSafeEqual } from 'node:crypto';

/** Long enough to open a socket right after asking, short enough that a leaked URL is soon useless. */
export const WS_TICKET_TTL_MS = 30_000;

interface TicketPayload {
  /** The session the ticket stands for: ending the session ends the socket too. */
  s: string;
  exp: number;
}

/**
 * A WebSocket ticket for clients that cannot set headers on the upgrade: the session's id hash and
 * an expiry, signed with the session secret, so any node can check it without a shared store.
 */
export function issueWsTicket(
  secret: string,
  sessionIdHash: string,
  now: number,
): { ticket: string; expiresAt: number } {
  const expiresAt = now + WS_TICKET_TTL_MS;
  const body = Buffer.from(JSON.stringify({ s: sessionIdHash, exp: expiresAt } satisfies TicketPayload)).toString(
    'base64url',
  );
  return { ticket: `${body}.${sign(secret, body)}`, expiresAt };
}

/**
 * What a ticket says: the session it names while it is valid. An expired ticket is told apart from
 * a forged one because its holder did nothing wrong (the socket was slow to arrive) and may ask again.
 */
export type TicketReading = { sessionIdHash: string } | { refused: 'expired' | 'invalid' };

export function readWsTicket(secret: string, ticket: string, now: number): TicketReading {
  const [body, signature] = ticket.split('.');
  if (!body || !signature) return { refused: 'invalid' };
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { refused: 'invalid' };
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as TicketPayload;
    if (typeof payload.s !== 'string' || typeof payload.exp !== 'number') return { refused: 'invalid' };
    return payload.exp > now ? { sessionIdHash: payload.s } : { refused: 'expired' };
  } catch {
    return { refused: 'invalid' };
  }
}

const sign = (secret: string, body: string) =>
  createHmac('sha256', secret).update(`ws-ticket:${body}`).digest('base64url');
