import { WS_LIMITS } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatUser, createChatUser } from '../../test/chat-users.ts';
import { type RawSocket, ticketedSocket } from '../../test/raw-socket.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';

describe('a refused send names the send it refuses', () => {
  let environment: TestEnvironment;
  let server: TestServer;
  let alice: ChatUser;
  let socket: RawSocket;
  let conversationId: number;

  beforeAll(async () => {
    environment = await createEnvironment('embedded');
    server = await startServer({ ...environment.backend.env, TRUST_PROXY: '1' });
    alice = await createChatUser(server.url);
    const bob = await createChatUser(server.url);
    conversationId = (await alice.api.openConversation(bob.me.id)).conversation.id;
    socket = await ticketedSocket(server.url, alice);
  });
  afterAll(async () => {
    socket?.close();
    await server.close();
    await environment.dispose();
  });

  it('when the frame fails the schema (a 4,001-character text)', async () => {
    const text = 'x'.repeat(WS_LIMITS.maxTextLength + 1);
    socket.send({ type: 'send', clientId: 'too-long-1', conversationId, text });
    const error = await socket.next('error');
    expect(error).toMatchObject({ code: 'validation_failed', frame: 'send', clientId: 'too-long-1' });
    expect(error.message).toContain('4000');
  });

  it('when the server refuses it (not a member of that conversation)', async () => {
    socket.send({ type: 'send', clientId: 'elsewhere-1', conversationId: conversationId + 1000, text: 'hi' });
    expect(await socket.next('error')).toMatchObject({ frame: 'send', clientId: 'elsewhere-1' });
  });
});
