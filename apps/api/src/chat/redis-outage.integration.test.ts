import type { RealtimeClient } from '@chat/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatUser, opened, record } from '../../test/chat-users.ts';
import { type PrivateRedis, startPrivateRedis } from '../../test/private-redis.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';

describe('a Redis restart under two live nodes', () => {
  let environment: TestEnvironment;
  let redis: PrivateRedis;
  let nodeA: TestServer;
  let nodeB: TestServer;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    environment = await createEnvironment('mysql+redis');
    redis = await startPrivateRedis();
    const env = { ...environment.backend.env, REDIS_URL: redis.url, TRUST_PROXY: '1' };
    nodeA = await startServer(env);
    nodeB = await startServer(env);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all([nodeA.close(), nodeB.close()]);
    await redis.stop();
    await environment.dispose();
  });

  it('loses nobody a message: what is sent across the gap arrives once, in order', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const aliceClient = alice.connect(nodeA.url);
    const bobClient = bob.connect(nodeB.url);
    clients.push(aliceClient, bobClient);
    const bobSees = record(bobClient);
    await Promise.all([opened(aliceClient), opened(bobClient)]);
    const { conversation } = await alice.api.openConversation(bob.me.id);
    const send = (text: string) => aliceClient.send({ conversationId: conversation.id, text }).stored;

    await send('before');
    await expect.poll(() => bobSees.texts()).toEqual(['before']);

    await redis.stop();
    // Messages are committed to the database while the bus is down: the sender gets its acks.
    for (const text of ['during 1', 'during 2', 'during 3']) await send(text);
    await redis.start();
    await send('after');

    await expect
      .poll(() => bobSees.texts(), { timeout: 15_000 })
      .toEqual(['before', 'during 1', 'during 2', 'during 3', 'after']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bobSees.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});
