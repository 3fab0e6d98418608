import { CLOSE_CODES } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser } from '../../test/chat-users.ts';
import { startTwoNodes, type TwoNodes } from '../../test/server.ts';

/** Opens a socket with a ticket; resolves with the first frame's type, or the close code if refused. */
async function connectWithTicket(baseUrl: string, ticket: string): Promise<string | number> {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws?v=1&ticket=${ticket}`);
  socket.on('error', () => {});
  const first = await new Promise<string | number>((resolve) => {
    socket.once('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'ready') resolve('ready');
    });
    socket.once('close', (code) => resolve(code));
  });
  socket.close();
  return first;
}

describe.each(BACKENDS)('a WebSocket ticket on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let alice: ChatUser;

  beforeAll(async () => {
    nodes = await startTwoNodes(kind);
    alice = await createChatUser(nodes.nodeA.url);
  });
  afterAll(async () => {
    await nodes.close();
  });

  it('works once: replayed on the other node within its 30 s, it is refused', async () => {
    const { ticket } = await alice.api.wsTicket();
    expect(await connectWithTicket(nodes.nodeA.url, ticket)).toBe('ready');
    expect(await connectWithTicket(nodes.nodeB.url, ticket)).toBe(CLOSE_CODES.unauthenticated);
    expect(await connectWithTicket(nodes.nodeA.url, ticket)).toBe(CLOSE_CODES.unauthenticated);
  });

  it('two uses at the same moment on two nodes: exactly one gets in', async () => {
    const { ticket } = await alice.api.wsTicket();
    const results = await Promise.all([
      connectWithTicket(nodes.nodeA.url, ticket),
      connectWithTicket(nodes.nodeB.url, ticket),
    ]);
    expect(results.sort()).toEqual([CLOSE_CODES.unauthenticated, 'ready'].sort());
  });
});
