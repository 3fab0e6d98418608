import type { Socket } from 'node:net';
import { CLOSE_CODES, WS_LIMITS } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { type ChatUser, createChatUser } from '../../test/chat-users.ts';
import { rawSocket } from '../../test/raw-socket.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';

/** A socket of the user's, signed in by ticket, that records frames and its close code. */
async function open(server: TestServer, user: ChatUser) {
  const { ticket } = await user.api.wsTicket();
  const client = rawSocket(`${server.url.replace('http', 'ws')}/ws?v=1&ticket=${ticket}`);
  const ready = () => expect.poll(() => client.frames.some((f) => f.type === 'ready' || f.type === 'error')).toBe(true);
  return { ...client, ready };
}

/** Sends frames in one TCP write, so that they reach the server together, as a flood does. */
function burst(socket: WebSocket, frames: unknown[]) {
  const raw = (socket as unknown as { _socket: Socket })._socket;
  raw.cork();
  for (const frame of frames) socket.send(JSON.stringify(frame));
  raw.uncork();
}

describe('the gateway keeps one client from holding the node', () => {
  let environment: TestEnvironment;
  let server: TestServer;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    environment = await createEnvironment('embedded');
    server = await startServer(environment.backend.env);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await server.close();
    await environment.dispose();
  });

  it(`lets one user hold ${WS_LIMITS.maxSocketsPerUser} sockets, refuses one more with 4009, and admits again once one closes`, async () => {
    const user = await createChatUser(server.url);
    const held = [];
    for (let i = 0; i < WS_LIMITS.maxSocketsPerUser; i++) {
      const client = await open(server, user);
      sockets.push(client.socket);
      await client.ready();
      expect(client.frames[0]).toMatchObject({ type: 'ready' });
      held.push(client);
    }
    const extra = await open(server, user);
    expect(await extra.closed).toBe(CLOSE_CODES.tooManySockets);
    expect(extra.frames[0]).toMatchObject({ type: 'error', code: 'too_many_sockets' });

    held[0]?.socket.close();
    await held[0]?.closed;
    const again = await open(server, user);
    sockets.push(again.socket);
    await again.ready();
    expect(again.frames[0]).toMatchObject({ type: 'ready' });
  });

  it('closes a client that floods frames without waiting for answers (4010), and others keep working', async () => {
    const flooder = await open(server, await createChatUser(server.url));
    const bystander = await open(server, await createChatUser(server.url));
    sockets.push(flooder.socket, bystander.socket);
    await Promise.all([flooder.ready(), bystander.ready()]);
    burst(
      flooder.socket,
      Array.from({ length: WS_LIMITS.maxQueuedFrames + 100 }, (_, i) => ({ type: 'ping', ref: String(i) })),
    );
    expect(await flooder.closed).toBe(CLOSE_CODES.tooManyFrames);
    expect(flooder.frames.some((f) => f.type === 'error' && f.code === 'too_many_frames')).toBe(true);
    // Frames past the bound were never handled: fewer pongs than pings.
    expect(flooder.frames.filter((f) => f.type === 'pong').length).toBeLessThanOrEqual(WS_LIMITS.maxQueuedFrames);
    bystander.socket.send(JSON.stringify({ type: 'ping', ref: 'still here' }));
    await expect.poll(() => bystander.frames.some((f) => f.type === 'pong' && f.ref === 'still here')).toBe(true);
  });

  it('answers syncs past the per-user limit with rate_limited and keeps the connection', async () => {
    const client = await open(server, await createChatUser(server.url));
    sockets.push(client.socket);
    await client.ready();
    burst(
      client.socket,
      Array.from({ length: 30 }, () => ({ type: 'sync', cursors: [], since: 0 })),
    );
    await expect
      .poll(
        () =>
          client.frames.filter((f) => f.type === 'synced').length +
          client.frames.filter((f) => f.type === 'error').length,
      )
      .toBe(30);
    const refused = client.frames.filter((f) => f.type === 'error');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((f) => f.type === 'error' && f.code === 'rate_limited' && f.frame === 'sync')).toBe(true);
    client.socket.send(JSON.stringify({ type: 'ping', ref: 'open' }));
    await expect.poll(() => client.frames.some((f) => f.type === 'pong' && f.ref === 'open')).toBe(true);
  });
});
