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

/** The session id hash a ticket names, if its signature holds and it has not expired. */
export function readWsTicket(secret: string, ticket: string, now: number): string | undefined {
  const [body, signature] = ticket.split('.');
  if (!body || !signature) return undefined;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as TicketPayload;
    return payload.exp > now && typeof payload.s === 'string' ? payload.s : undefined;
  } catch {
    return undefined;
  }
}

const sign = (secret: string, body: string) =>
  createHmac('sha256', secret).update(`ws-ticket:${body}`).digest('base64url');
