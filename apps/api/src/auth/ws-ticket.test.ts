import { describe, expect, it } from 'vitest';
import { issueWsTicket, readWsTicket, WS_TICKET_TTL_MS } from './ws-ticket.ts';

const SECRET = 'a'.repeat(64);

describe('WebSocket tickets', () => {
  it('name their session until they expire', () => {
    const { ticket, expiresAt } = issueWsTicket(SECRET, 'session-hash', 1000);
    expect(expiresAt).toBe(1000 + WS_TICKET_TTL_MS);
    expect(readWsTicket(SECRET, ticket, 1001)).toEqual({ sessionIdHash: 'session-hash' });
    expect(readWsTicket(SECRET, ticket, expiresAt)).toEqual({ refused: 'expired' });
  });

  it('are refused when tampered with or signed with another secret', () => {
    const { ticket } = issueWsTicket(SECRET, 'session-hash', 0);
    const [body, signature] = ticket.split('.');
    const forged = Buffer.from(JSON.stringify({ s: 'someone-else', exp: 10 ** 15 })).toString('base64url');
    expect(readWsTicket(SECRET, `${forged}.${signature}`, 1)).toEqual({ refused: 'invalid' });
    expect(readWsTicket('b'.repeat(64), ticket, 1)).toEqual({ refused: 'invalid' });
    expect(readWsTicket(SECRET, `${body}`, 1)).toEqual({ refused: 'invalid' });
    expect(readWsTicket(SECRET, 'garbage', 1)).toEqual({ refused: 'invalid' });
  });
});
