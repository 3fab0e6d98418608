import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { UsedTickets } from './used-tickets.ts';

/** Long enough to open a socket right after asking, short enough that a leaked URL is soon useless. */
export const WS_TICKET_TTL_MS = 30_000;

interface TicketPayload {
  /** The session the ticket stands for: ending the session ends the socket too. */
  s: string;
  exp: number;
  /** Random, so that every ticket is its own, and using one up leaves the others valid. */
  n: string;
}

/** 96 bits: no two tickets ever share an id. */
const NONCE_BYTES = 12;

/**
 * A WebSocket ticket for clients that cannot set headers on the upgrade: the session's id hash, an
 * expiry and a nonce, signed with the session secret, so any node can check it; that it was not
 * used yet is asked of the shared store when it is redeemed.
 */
export function issueWsTicket(
  secret: string,
  sessionIdHash: string,
  now: number,
): { ticket: string; expiresAt: number } {
  const expiresAt = now + WS_TICKET_TTL_MS;
  const payload: TicketPayload = {
    s: sessionIdHash,
    exp: expiresAt,
    n: randomBytes(NONCE_BYTES).toString('base64url'),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return { ticket: `${body}.${sign(secret, body)}`, expiresAt };
}

/**
 * What a ticket says: the session it names while it is valid. An expired ticket is told apart from
 * a forged one because its holder did nothing wrong (the socket was slow to arrive) and may ask again.
 */
export type TicketReading =
  | { sessionIdHash: string; ticketId: string; expiresAt: number }
  | { refused: 'expired' | 'invalid' | 'used' };

export function readWsTicket(secret: string, ticket: string, now: number): TicketReading {
  const [body, signature] = ticket.split('.');
  if (!body || !signature) return { refused: 'invalid' };
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { refused: 'invalid' };
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as TicketPayload;
    if (typeof payload.s !== 'string' || typeof payload.exp !== 'number' || typeof payload.n !== 'string') {
      return { refused: 'invalid' };
    }
    if (payload.exp <= now) return { refused: 'expired' };
    return { sessionIdHash: payload.s, ticketId: payload.n, expiresAt: payload.exp };
  } catch {
    return { refused: 'invalid' };
  }
}

/**
 * Reads a ticket and uses it up: "a ticket works once" holds across nodes, because the first node to
 * redeem it claims its id in the shared store, for as long as the ticket would have been valid.
 */
export async function redeemWsTicket(
  used: UsedTickets,
  secret: string,
  ticket: string,
  now: number,
): Promise<TicketReading> {
  const reading = readWsTicket(secret, ticket, now);
  if ('refused' in reading) return reading;
  return (await used.claim(reading.ticketId, reading.expiresAt - now)) ? reading : { refused: 'used' };
}

const sign = (secret: string, body: string) =>
  createHmac('sha256', secret).update(`ws-ticket:${body}`).digest('base64url');
