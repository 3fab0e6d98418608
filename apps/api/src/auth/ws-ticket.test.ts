import { describe, expect, it } from 'vitest';
import { memoryUsedTickets } from './used-tickets.ts';
import { issueWsTicket, readWsTicket, redeemWsTicket, WS_TICKET_TTL_MS } from './ws-ticket.ts';

const SECRET = 'a'.repeat(64);

describe('WebSocket tickets', () => {
  it('name their session until they expire', () => {
    const { ticket, expiresAt } = issueWsTicket(SECRET, 'session-hash', 1000);
    expect(expiresAt).toBe(1000 + WS_TICKET_TTL_MS);
    expect(readWsTicket(SECRET, ticket, 1001)).toMatchObject({ sessionIdHash: 'session-hash', expiresAt });
    expect(readWsTicket(SECRET, ticket, expiresAt)).toEqual({ refused: 'expired' });
  });

  it('are refused when tampered with or signed with another secret', () => {
    const { ticket } = issueWsTicket(SECRET, 'session-hash', 0);
    const [body, signature] = ticket.split('.');
    const forged = Buffer.from(JSON.stringify({ s: 'someone-else', exp: 10 ** 15, n: 'x' })).toString('base64url');
    expect(readWsTicket(SECRET, `${forged}.${signature}`, 1)).toEqual({ refused: 'invalid' });
    expect(readWsTicket('b'.repeat(64), ticket, 1)).toEqual({ refused: 'invalid' });
    expect(readWsTicket(SECRET, `${body}`, 1)).toEqual({ refused: 'invalid' });
    expect(readWsTicket(SECRET, 'garbage', 1)).toEqual({ refused: 'invalid' });
  });

  it('work once: a replay is refused, while another ticket of the same session still works', async () => {
    let now = 1000;
    const used = memoryUsedTickets(() => now);
    const first = issueWsTicket(SECRET, 'session-hash', now).ticket;
    const second = issueWsTicket(SECRET, 'session-hash', now).ticket;
    expect(second).not.toBe(first);
    expect(await redeemWsTicket(used, SECRET, first, now)).toMatchObject({ sessionIdHash: 'session-hash' });
    now += 1;
    expect(await redeemWsTicket(used, SECRET, first, now)).toEqual({ refused: 'used' });
    expect(await redeemWsTicket(used, SECRET, second, now)).toMatchObject({ sessionIdHash: 'session-hash' });
    // Past its expiry a replay is refused as expired, however long ago the store forgot it.
    now += WS_TICKET_TTL_MS;
    expect(await redeemWsTicket(used, SECRET, first, now)).toEqual({ refused: 'expired' });
    used.close();
  });
});
