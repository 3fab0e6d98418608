import { ApiError, ChatApi } from '@chat/client';
import { CLOSE_CODES } from '@chat/protocol';
import { strFromU8, unzipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../../test/authenticator.ts';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, PASSWORD } from '../../test/chat-users.ts';
import { ticketedSocket } from '../../test/raw-socket.ts';
import { startTwoNodes, type TwoNodes } from '../../test/server.ts';

const status = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof ApiError ? `${error.status} ${error.code}` : String(error)),
  );

const picture = () =>
  sharp({ create: { width: 20, height: 10, channels: 3, background: '#2563eb' } })
    .png()
    .toBuffer();

/** Opens a conversation and stores messages in it over the socket, in order. */
async function converse(baseUrl: string, lines: Array<[ChatUser, ChatUser, string, string?]>) {
  const conversation = (await lines[0]?.[0].api.openConversation(lines[0][1].me.id))?.conversation;
  if (!conversation) throw new Error('no conversation');
  for (const [from, , text, attachmentId] of lines) {
    const socket = await ticketedSocket(baseUrl, from);
    socket.send({ type: 'send', clientId: `c${Math.random()}`, conversationId: conversation.id, text, attachmentId });
    await socket.next('ack');
    socket.close();
  }
  return conversation.id;
}

/** Where passkeys are registered: the relying party their signatures are checked against. */
const PUBLIC_URL = 'http://chat.test';

describe.each(BACKENDS)('my account on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  beforeAll(async () => {
    nodes = await startTwoNodes(kind, { PUBLIC_URL });
  });
  afterAll(async () => {
    await nodes.close();
  });

  it("exports my profile, my conversations with both sides' messages and my pictures, nobody else's conversations", async () => {
    const [alice, bob, carol] = await Promise.all([1, 2, 3].map(() => createChatUser(nodes.nodeA.url)));
    if (!alice || !bob || !carol) throw new Error('no users');
    const png = await picture();
    const { attachment } = await alice.api.upload(new Blob([png]), 'p.png');
    const ours = await converse(nodes.nodeA.url, [
      [alice, bob, 'hello bob'],
      [bob, alice, 'hi alice'],
      [alice, bob, '', attachment.id],
    ]);
    const theirs = await converse(nodes.nodeA.url, [[carol, bob, 'a secret between carol and bob']]);

    const files = unzipSync(await alice.api.exportData());
    const text = (name: string) => strFromU8(files[name] ?? new Uint8Array());
    expect(JSON.parse(text('profile.json'))).toMatchObject({ username: alice.me.username, email: alice.me.email });
    expect(JSON.parse(text('conversations.json'))).toEqual([
      { id: ours, peer: { id: bob.me.id, username: bob.me.username, deleted: false } },
    ]);
    const { messages } = JSON.parse(text(`conversations/${ours}.json`)) as {
      messages: Array<{ text: string; senderId: number; attachment: { id: string } | null }>;
    };
    expect(messages.map((m) => [m.senderId, m.text])).toEqual([
      [alice.me.id, 'hello bob'],
      [bob.me.id, 'hi alice'],
      [alice.me.id, ''],
    ]);
    expect(messages[2]?.attachment?.id).toBe(attachment.id);
    const stored = Object.keys(files).find((name) => name.startsWith(`pictures/${attachment.id}.`));
    expect(await sharp(Buffer.from(files[stored ?? ''] ?? [])).metadata()).toMatchObject({ width: 20, height: 10 });
    expect(JSON.parse(text('devices.json'))).toEqual(
      expect.arrayContaining([expect.objectContaining({ current: true })]),
    );
    expect(Object.keys(files)).not.toContain(`conversations/${theirs}.json`);
    expect(Object.values(files).some((bytes) => strFromU8(bytes).includes('a secret between'))).toBe(false);
  });

  it('exports whom I blocked and when, and my passkeys with their dates, without their keys', async () => {
    const [alice, bob, carol] = await Promise.all([1, 2, 3].map(() => createChatUser(nodes.nodeA.url)));
    if (!alice || !bob || !carol) throw new Error('no users');
    await alice.api.block(bob.me.id);
    await carol.api.block(alice.me.id);
    const authenticator = new SoftAuthenticator(PUBLIC_URL);
    const { options } = await alice.api.passkeyRegistrationOptions();
    const { passkey } = await alice.api.registerPasskey('Laptop', authenticator.register(options));

    const files = unzipSync(await alice.api.exportData());
    const text = (name: string) => strFromU8(files[name] ?? new Uint8Array());
    const [blocked] = (await alice.api.blocks()).blocked;
    // Only her own blocks: that Carol blocked her is Carol's, and the app never tells her either.
    expect(JSON.parse(text('blocks.json'))).toEqual([
      { userId: bob.me.id, username: bob.me.username, blockedAt: blocked?.blockedAt },
    ]);
    const [credential] = authenticator.credentials;
    expect(JSON.parse(text('passkeys.json'))).toEqual([
      {
        name: 'Laptop',
        credentialId: credential?.id.toString('base64url'),
        createdAt: passkey.createdAt,
        lastUsedAt: null,
      },
    ]);
    expect(text('passkeys.json')).not.toMatch(/publicKey|public_key|counter/);
    expect(text('README.txt')).toMatch(/blocks\.json[\s\S]*passkeys\.json/);
  });

  it('is rate-limited: an export reads the whole history', async () => {
    const alice = await createChatUser(nodes.nodeA.url);
    for (let i = 0; i < 3; i++) expect(await status(alice.api.exportData())).toBe('ok');
    expect(await status(alice.api.exportData())).toBe('429 rate_limited');
  });

  it('refuses to delete with a wrong password and keeps the account', async () => {
    const alice = await createChatUser(nodes.nodeA.url);
    expect(await status(alice.api.deleteAccount({ password: 'not the password' }))).toBe('403 invalid_credentials');
    expect(await status(alice.api.me())).toBe('ok');
    expect(await status(new ChatApi({ baseUrl: nodes.nodeA.url }).login(alice.me.username, PASSWORD))).toBe('ok');
  });

  it('deletes an account: signed out everywhere, gone from the directory, shown to peers as a deleted user who gets no more messages', async () => {
    const alice = await createChatUser(nodes.nodeA.url);
    const bob = await createChatUser(nodes.nodeA.url);
    const conversationId = await converse(nodes.nodeA.url, [
      [alice, bob, 'goodbye bob'],
      [bob, alice, 'bye'],
    ]);
    const aliceSocket = await ticketedSocket(nodes.nodeB.url, alice);
    const bobSocket = await ticketedSocket(nodes.nodeB.url, bob);

    expect(await status(alice.api.deleteAccount({ password: PASSWORD }))).toBe('ok');

    // Her sockets close at once, on the other node; her sessions are gone; she cannot sign in again.
    expect(await aliceSocket.closed).toBe(CLOSE_CODES.unauthenticated);
    expect(await status(alice.api.me())).toBe('401 unauthenticated');
    const fresh = new ChatApi({ baseUrl: nodes.nodeA.url });
    expect(await status(fresh.login(alice.me.username, PASSWORD))).toBe('401 invalid_credentials');
    expect(await status(fresh.login(alice.me.email, PASSWORD))).toBe('401 invalid_credentials');

    // Bob is told over the socket, and sees her so over REST, without her name; her messages stay.
    const told = await bobSocket.next('user_deleted');
    expect(told.user).toMatchObject({ id: alice.me.id, deleted: true, presence: { online: false, lastSeenAt: null } });
    const { conversation } = await bob.api.conversation(conversationId);
    expect(conversation.peer).toMatchObject({ id: alice.me.id, deleted: true });
    expect(JSON.stringify(conversation)).not.toContain(alice.me.username);
    const { messages } = await bob.api.history(conversationId);
    expect(messages.map((m) => [m.senderId, m.text])).toEqual([
      [alice.me.id, 'goodbye bob'],
      [bob.me.id, 'bye'],
    ]);

    // Nothing more can be sent to her, nor a conversation opened with her.
    bobSocket.send({ type: 'send', clientId: 'after-delete', conversationId, text: 'are you there?' });
    expect(await bobSocket.next('error')).toMatchObject({ code: 'peer_deleted', clientId: 'after-delete' });
    expect(await status(bob.api.openConversation(alice.me.id))).toBe('403 peer_deleted');
    expect((await bob.api.history(conversationId)).messages).toHaveLength(2);

    // She is gone from the directory, and her username stays taken: nobody can pass for her.
    const listed = await bob.api.directory({ query: alice.me.username });
    expect(listed.users).toEqual([]);
    expect((await fresh.availability({ username: alice.me.username })).reason).toBe('username_taken');
    expect(
      await status(fresh.signup({ username: alice.me.username, email: 'someone@example.com', password: PASSWORD })),
    ).toBe('409 username_taken');
    // Her address is free again: it is erased, not kept.
    expect((await fresh.availability({ email: alice.me.email })).available).toBe(true);
    bobSocket.close();
  });
});
