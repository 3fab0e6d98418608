import { WS_LIMITS } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../test/backends.ts';
import { type ChatUser, createChatUser } from '../../test/chat-users.ts';
import { type RawSocket, ticketedSocket } from '../../test/raw-socket.ts';
import { createEnvironment, startServer, startTwoNodes, type TwoNodes } from '../../test/server.ts';
import { METRICS_PATH } from './plugin.ts';

/** The value of one series in Prometheus text, 0 when it is not there yet. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(baseUrl + METRICS_PATH);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

describe.each(BACKENDS)('/metrics (%s)', (kind) => {
  let nodes: TwoNodes;
  let alice: ChatUser;
  let socket: RawSocket;
  let conversationId: number;

  beforeAll(async () => {
    nodes = await startTwoNodes(kind);
    alice = await createChatUser(nodes.nodeA.url);
    const bob = await createChatUser(nodes.nodeA.url);
    conversationId = (await alice.api.openConversation(bob.me.id)).conversation.id;
    socket = await ticketedSocket(nodes.nodeA.url, alice);
  });
  afterAll(async () => {
    socket?.close();
    await nodes.close();
  });

  it('counts a committed send, its ack latency and its batch, and a refused one by its code', async () => {
    const before = await scrape(nodes.nodeA.url);
    socket.send({ type: 'send', clientId: 'ok-1', conversationId, text: 'counted' });
    await socket.next('ack', (ack) => ack.clientId === 'ok-1');
    socket.send({ type: 'send', clientId: 'long-1', conversationId, text: 'x'.repeat(WS_LIMITS.maxTextLength + 1) });
    await socket.next('error', (error) => error.clientId === 'long-1');

    const after = await scrape(nodes.nodeA.url);
    const moved = (series: string) => sample(after, series) - sample(before, series);
    expect(moved('chat_sends_committed_total')).toBe(1);
    expect(moved('chat_send_ack_seconds_count')).toBe(1);
    expect(moved('chat_send_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(moved('chat_sends_refused_total{code="validation_failed"}')).toBe(1);
    expect(sample(after, 'chat_ws_connections')).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(after).toMatch(/^chat_mail_outbox_pending \d/m);
    if (kind === 'mysql+redis') {
      // The ack's fan-out went over Redis; the database answered from its pool.
      expect(moved('chat_bus_publish_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(sample(after, 'chat_db_pool_in_use') + sample(after, 'chat_db_pool_idle')).toBeGreaterThan(0);
    }
  });

  it("commits a connection's burst of sends together, acked and numbered in the order sent", async () => {
    // A burst under the rate limit, as a client resends what it held while offline.
    const burst = 30;
    const before = await scrape(nodes.nodeA.url);
    for (let i = 0; i < burst; i++) socket.send({ type: 'send', clientId: `burst-${i}`, conversationId, text: `${i}` });
    const acks = [];
    for (let i = 0; i < burst; i++) acks.push(await socket.next('ack', (ack) => ack.clientId.startsWith('burst-')));
    expect(acks.map((ack) => ack.clientId)).toEqual(Array.from({ length: burst }, (_, i) => `burst-${i}`));
    const seqs = acks.map((ack) => ack.message.seq);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));

    // Handled one commit at a time, each send would have waited for the previous one's batch.
    const batches =
      sample(await scrape(nodes.nodeA.url), 'chat_send_batch_size_count') -
      sample(before, 'chat_send_batch_size_count');
    expect(batches).toBeLessThan(burst / 3);
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  const token = 't'.repeat(40);

  it('answers only a scrape that carries the token', async () => {
    const environment = await createEnvironment('embedded');
    const server = await startServer({ ...environment.backend.env, METRICS_TOKEN: token });
    try {
      const anonymous = await fetch(server.url + METRICS_PATH);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthenticated' } });
      const wrong = await fetch(server.url + METRICS_PATH, { headers: { authorization: `Bearer ${'x'.repeat(40)}` } });
      expect(wrong.status).toBe(401);
      const scraper = await fetch(server.url + METRICS_PATH, { headers: { authorization: `Bearer ${token}` } });
      expect(scraper.status).toBe(200);
      expect(await scraper.text()).toContain('chat_sends_committed_total');
    } finally {
      await server.close();
      await environment.dispose();
    }
  });
});
