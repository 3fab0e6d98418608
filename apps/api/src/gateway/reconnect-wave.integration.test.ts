import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { RealtimeClient } from '@chat/client';
import type { ServerFrameOf, ServerFrameType } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened } from '../../test/chat-users.ts';
import { rawSocket } from '../../test/raw-socket.ts';
import { startTwoNodes, type TwoNodes } from '../../test/server.ts';
import { startTcpProxy } from '../../test/tcp-proxy.ts';

/** A client of `user` that signs in with its bearer token on the upgrade, as the bench's do. */
function bearerClient(user: ChatUser, baseUrl: string): RealtimeClient {
  const client = new RealtimeClient({ baseUrl, WebSocket: WebSocket as never, bearerToken: user.api.token ?? '' });
  client.connect();
  return client;
}

/** A raw socket of `user`, signed in by bearer token, recording frames. */
function bearerSocket(user: ChatUser, baseUrl: string) {
  const raw = rawSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?v=1`, {
    authorization: `Bearer ${user.api.token ?? ''}`,
  });
  return {
    ...raw,
    all: <T extends ServerFrameType>(type: T) => raw.frames.filter((f) => f.type === type) as Array<ServerFrameOf<T>>,
  };
}

type RawSocketOf = ReturnType<typeof bearerSocket>;

const fourUsers = async (url: string): Promise<[ChatUser, ChatUser, ChatUser, ChatUser]> => [
  await createChatUser(url),
  await createChatUser(url),
  await createChatUser(url),
  await createChatUser(url),
];

/** Resolves at the next `synced` of every client. */
const allSynced = (clients: RealtimeClient[]) =>
  Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          const off = client.on('synced', () => {
            off();
            resolve();
          });
        }),
    ),
  );

// Connects that arrive together are read together (TickBatch): these check that a wave's shared
// reads still give each user their own messages, peers, blocks and unread counts, nothing of others'.
describe.each(BACKENDS)('a wave of reconnects on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;

  beforeAll(async () => {
    nodes = await startTwoNodes(kind);
  });
  afterAll(() => nodes.close());

  it('readers cut off at once each get, once back on the other node, exactly what was sent to them meanwhile', async () => {
    const pairs = await Promise.all(
      [0, 1, 2].map(async () => {
        const [sender, reader] = await Promise.all([createChatUser(nodes.nodeA.url), createChatUser(nodes.nodeA.url)]);
        const { conversation } = await sender.api.openConversation(reader.me.id);
        return { sender, reader, conversationId: conversation.id };
      }),
    );
    const balancer = await startTcpProxy('127.0.0.1', Number(new URL(nodes.nodeB.url).port));
    try {
      const through = `http://127.0.0.1:${balancer.port}`;
      const readers = await Promise.all(
        pairs.map(async (pair) => {
          // Two devices of one reader, one by ticket and one by bearer token: both in the wave.
          const clients = [nodes.track(pair.reader.connect(through)), nodes.track(bearerClient(pair.reader, through))];
          const texts = clients.map((client) => {
            const seen: string[] = [];
            client.on('message', (message) => seen.push(`${message.conversationId}:${message.text}`));
            return seen;
          });
          return { ...pair, clients, texts };
        }),
      );
      const senders = pairs.map((pair) => nodes.track(pair.sender.connect(nodes.nodeA.url)));
      await Promise.all([...readers.flatMap((r) => r.clients), ...senders].map((client) => opened(client)));
      await Promise.all(
        readers.map((r, i) => senders[i]?.send({ conversationId: r.conversationId, text: 'before' }).stored),
      );
      await expect.poll(() => readers.every((r) => r.texts.every((seen) => seen.length === 1))).toBe(true);

      const back = allSynced(readers.flatMap((r) => r.clients));
      balancer.cut();
      await Promise.all(
        readers.map((r, i) => senders[i]?.send({ conversationId: r.conversationId, text: 'while away' }).stored),
      );
      balancer.restore();
      await back;

      for (const r of readers) {
        for (const seen of r.texts) {
          expect(seen).toEqual([`${r.conversationId}:before`, `${r.conversationId}:while away`]);
        }
      }
    } finally {
      await balancer.close();
    }
  });

  it('connects arriving together are each told their own peers, blocks and unread', async () => {
    const [sam, tom, rita, ruth] = await fourUsers(nodes.nodeA.url);
    const { conversation: samRita } = await sam.api.openConversation(rita.me.id);
    // Ruth has Sam, who blocks her, and Tom, who does not, in her list.
    const { conversation: ruthSam } = await ruth.api.openConversation(sam.me.id);
    const { conversation: ruthTom } = await ruth.api.openConversation(tom.me.id);
    const [samSocket, tomSocket] = [bearerSocket(sam, nodes.nodeA.url), bearerSocket(tom, nodes.nodeA.url)];
    await Promise.all([samSocket.next('ready'), tomSocket.next('ready')]);
    samSocket.send({ type: 'send', clientId: 'to-rita', conversationId: samRita.id, text: 'for rita' });
    await samSocket.next('ack');
    await sam.api.block(ruth.me.id);

    const [ritaSocket, ruthSocket] = [bearerSocket(rita, nodes.nodeB.url), bearerSocket(ruth, nodes.nodeB.url)];
    try {
      await Promise.all([ritaSocket.next('ready'), ruthSocket.next('ready')]);
      for (const socket of [ritaSocket, ruthSocket]) socket.send({ type: 'sync', cursors: [], since: 1 });
      await Promise.all([ritaSocket.next('synced'), ruthSocket.next('synced')]);

      // Each is told the presence of their own peers, and Ruth nothing of Sam, who blocks her.
      await ritaSocket.next('presence', (f) => f.userId === sam.me.id && f.presence.online);
      await ruthSocket.next('presence', (f) => f.userId === tom.me.id && f.presence.online);
      expect(ritaSocket.frames.filter((f) => f.type === 'presence')).toEqual([]);
      expect(ruthSocket.frames.filter((f) => f.type === 'presence')).toEqual([]);
      // Each sync answers its own conversations, messages and unread counts, not the other's.
      expect(ritaSocket.all('message').map((f) => f.message.text)).toEqual(['for rita']);
      expect(ritaSocket.all('unread')).toEqual([
        expect.objectContaining({ conversationId: samRita.id, unread: 1, total: 1 }),
      ]);
      expect(ruthSocket.all('message')).toEqual([]);
      expect(ruthSocket.all('unread').map((f) => [f.conversationId, f.unread, f.total])).toEqual(
        expect.arrayContaining([
          [ruthSam.id, 0, 0],
          [ruthTom.id, 0, 0],
        ]),
      );
      expect(ruthSocket.all('unread')).toHaveLength(2);
    } finally {
      for (const socket of [samSocket, tomSocket, ritaSocket, ruthSocket]) socket.close();
    }
  });

  it('syncs arriving together each get the page of new messages their own user sees', async () => {
    const [sam, rita, tom, ruth] = await fourUsers(nodes.nodeA.url);
    const { conversation: samRita } = await sam.api.openConversation(rita.me.id);
    const { conversation: tomRuth } = await tom.api.openConversation(ruth.me.id);
    const [samSocket, ritaSocket, tomSocket] = [
      bearerSocket(sam, nodes.nodeA.url),
      bearerSocket(rita, nodes.nodeA.url),
      bearerSocket(tom, nodes.nodeA.url),
    ];
    const sockets = [samSocket, ritaSocket, tomSocket];
    try {
      await Promise.all(sockets.map((socket) => socket.next('ready')));
      const sent: number[] = [];
      for (const text of ['one', 'two', 'three']) {
        samSocket.send({ type: 'send', clientId: text, conversationId: samRita.id, text });
        sent.push((await samSocket.next('ack', (f) => f.clientId === text)).message.id);
      }
      tomSocket.send({ type: 'send', clientId: 'hi', conversationId: tomRuth.id, text: 'hi ruth' });
      await tomSocket.next('ack');
      // Rita deletes "two" for herself and reacts to "three": her page differs from Sam's.
      ritaSocket.send({ type: 'delete', clientId: 'hide', messageId: sent[1], forEveryone: false });
      ritaSocket.send({ type: 'react', clientId: 'like', messageId: sent[2], emoji: '👍', on: true });
      await Promise.all([ritaSocket.next('change_ack', (f) => f.clientId === 'hide'), ritaSocket.next('change_ack')]);

      const [samSync, ritaSync, ruthSync] = [
        bearerSocket(sam, nodes.nodeB.url),
        bearerSocket(rita, nodes.nodeB.url),
        bearerSocket(ruth, nodes.nodeB.url),
      ];
      const syncing = [samSync, ritaSync, ruthSync];
      sockets.push(...syncing);
      await Promise.all(syncing.map((socket) => socket.next('ready')));
      samSync.send({ type: 'sync', cursors: [{ conversationId: samRita.id, seq: 0 }], since: 1 });
      ritaSync.send({ type: 'sync', cursors: [{ conversationId: samRita.id, seq: 0 }], since: 1 });
      ruthSync.send({ type: 'sync', cursors: [], since: 1 });
      await Promise.all(syncing.map((socket) => socket.next('synced')));

      const texts = (socket: RawSocketOf) => socket.all('message').map((f) => f.message.text);
      expect(texts(samSync)).toEqual(['one', 'two', 'three']);
      expect(texts(ritaSync)).toEqual(['one', 'three']);
      expect(texts(ruthSync)).toEqual(['hi ruth']);
      const reactionsOn = (socket: RawSocketOf) => socket.all('message').find((f) => f.message.text === 'three');
      expect(reactionsOn(samSync)?.message.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [rita.me.id] }]);
      expect(reactionsOn(ritaSync)?.message.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [rita.me.id] }]);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  // A reconnect costs the node a write per answer: the 101, `ready` and presence's snapshot go out together.
  it.each([
    ['an admitted socket', ['ready'], false, (user: ChatUser) => user.api.token ?? ''],
    ['an admitted socket with a conversation', ['ready', 'presence'], true, (user: ChatUser) => user.api.token ?? ''],
    ['a refused socket', ['error'], false, () => 'not-a-session'],
  ])(
    '%s gets the upgrade answer and its first frames in one TCP segment',
    async (_, firstFrames, withPeer, tokenOf) => {
      const user = await createChatUser(nodes.nodeA.url);
      if (withPeer) await user.api.openConversation((await createChatUser(nodes.nodeA.url)).me.id);
      const { port } = new URL(nodes.nodeA.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      try {
        const firstChunk = new Promise<string>((resolve) =>
          socket.once('data', (data) => resolve(data.toString('latin1'))),
        );
        socket.write(
          [
            'GET /ws?v=1 HTTP/1.1',
            `Host: 127.0.0.1:${port}`,
            'Upgrade: websocket',
            'Connection: Upgrade',
            'Sec-WebSocket-Version: 13',
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
            `Authorization: Bearer ${tokenOf(user)}`,
            '',
            '',
          ].join('\r\n'),
        );
        const chunk = await firstChunk;
        expect(chunk).toMatch(/^HTTP\/1\.1 101 /);
        for (const type of firstFrames) expect(chunk).toContain(`"type":"${type}"`);
      } finally {
        socket.destroy();
      }
    },
  );
});
