import { ApiError, type ChatApi } from '@chat/client';
import { AVATAR_SIZE, type UserProfile } from '@chat/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened, record } from '../../test/chat-users.ts';
import { startTwoNodes, type TestServer, type TwoNodes } from '../../test/server.ts';

async function refusal(call: Promise<unknown>): Promise<[number, string]> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return [error.status, error.code];
}

let photos = 0;
/**
 * A wide JPEG with a camera's EXIF (a GPS-bearing block in real life): left half red, right half
 * blue, each a shade of its own (avatars are named by content, so two people may share one).
 */
const photo = () =>
  sharp({
    create: {
      width: 300,
      height: 200,
      channels: 3,
      background: { r: (++photos * 9) % 120, g: (photos * 23) % 160, b: 235 },
    },
  })
    .composite([
      { input: { create: { width: 150, height: 200, channels: 3, background: '#dc2626' } }, left: 0, top: 0 },
    ])
    .withExif({ IFD0: { Artist: 'Alice', Copyright: 'secret place' } })
    .jpeg()
    .toBuffer();

describe.each(BACKENDS)('profiles on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let nodeA: TestServer;
  let nodeB: TestServer;

  beforeAll(async () => {
    nodes = await startTwoNodes(kind);
    ({ nodeA, nodeB } = nodes);
  });
  afterAll(() => nodes.close());

  async function fetchAvatar(api: ChatApi, avatarId: string | null) {
    const response = await fetch(`${nodeA.url}/api/avatars/${avatarId}`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  /** Alice on node A and Bob, in a conversation, Bob listening on node B. */
  async function peers() {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    await bob.api.openConversation(alice.me.id);
    const bobClient = nodes.track(bob.connect(nodeB.url));
    const bobHears = record(bobClient);
    await opened(bobClient);
    const profilesOfAlice = () =>
      bobHears.events.filter((e) => e.type === 'profile').map((e) => e.profile as UserProfile);
    return { alice, bob, profilesOfAlice };
  }

  const peerAsSeenBy = async (viewer: ChatUser, peerId: number) =>
    (await viewer.api.conversations()).conversations.find((c) => c.peer.id === peerId)?.peer;

  it('a display name is trimmed, shown to the peer at once on the other node and after a reload', async () => {
    const { alice, bob, profilesOfAlice } = await peers();
    const { user } = await alice.api.updateProfile({ displayName: '  Alice Liddell  ' });
    expect(user).toMatchObject({ displayName: 'Alice Liddell', username: alice.me.username });
    await expect.poll(() => profilesOfAlice().at(-1)).toMatchObject({ id: alice.me.id, displayName: 'Alice Liddell' });
    expect(await peerAsSeenBy(bob, alice.me.id)).toMatchObject({ displayName: 'Alice Liddell' });
    const listed = (await bob.api.directory({ query: alice.me.username })).users.find((u) => u.id === alice.me.id);
    expect(listed?.displayName).toBe('Alice Liddell');

    await alice.api.updateProfile({ displayName: '   ' });
    await expect.poll(() => profilesOfAlice().at(-1)?.displayName).toBeNull();
  });

  it('refuses a display name that is too long or holds control or direction characters', async () => {
    const alice = await createChatUser(nodeA.url);
    expect(await refusal(alice.api.updateProfile({ displayName: 'x'.repeat(65) }))).toEqual([
      400,
      'display_name_too_long',
    ]);
    expect(await refusal(alice.api.updateProfile({ displayName: 'two\nlines' }))).toEqual([
      400,
      'display_name_invalid',
    ]);
    expect(await refusal(alice.api.updateProfile({ displayName: '\u202Eecila' }))).toEqual([
      400,
      'display_name_invalid',
    ]);
    expect((await alice.api.me()).user.displayName).toBeNull();
  });

  it('an avatar becomes a square centre crop without metadata, shown to the peer at once', async () => {
    const { alice, bob, profilesOfAlice } = await peers();
    const { user } = await alice.api.uploadAvatar(new Blob([new Uint8Array(await photo())]), 'me.jpg');
    expect(user.avatarId).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(() => profilesOfAlice().at(-1)?.avatarId).toBe(user.avatarId);
    expect((await peerAsSeenBy(bob, alice.me.id))?.avatarId).toBe(user.avatarId);

    const served = await fetchAvatar(bob.api, user.avatarId);
    expect(served).toMatchObject({ status: 200, type: 'image/webp' });
    const metadata = await sharp(served.bytes).metadata();
    expect(metadata).toMatchObject({ width: AVATAR_SIZE, height: AVATAR_SIZE, format: 'webp' });
    expect(metadata.exif).toBeUndefined();
    // The centre of a 300×200 picture: the crop keeps both halves, red on the left, blue on the right.
    const { data } = await sharp(served.bytes).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number) => [...data.subarray((64 * AVATAR_SIZE + x) * 3, (64 * AVATAR_SIZE + x) * 3 + 3)];
    expect(pixel(10)[0]).toBeGreaterThan(180);
    expect(pixel(AVATAR_SIZE - 10)[2]).toBeGreaterThan(180);
  });

  it('refuses an avatar that is not a picture, whatever its name says, and keeps the old one', async () => {
    const alice = await createChatUser(nodeA.url);
    const { user } = await alice.api.uploadAvatar(new Blob([new Uint8Array(await photo())]));
    const script = new Blob([new TextEncoder().encode('<script>alert(1)</script>')], { type: 'image/png' });
    expect(await refusal(alice.api.uploadAvatar(script, 'me.png'))).toEqual([415, 'unsupported_media_type']);
    // PNG's signature, then nothing a decoder can read.
    const fake = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await refusal(alice.api.uploadAvatar(new Blob([fake]), 'me.png'))).toEqual([415, 'unsupported_media_type']);
    expect((await alice.api.me()).user.avatarId).toBe(user.avatarId);
  });

  it('a removed avatar is told to the peer and no longer served', async () => {
    const { alice, bob, profilesOfAlice } = await peers();
    const { user } = await alice.api.uploadAvatar(new Blob([new Uint8Array(await photo())]));
    await expect.poll(() => profilesOfAlice().at(-1)?.avatarId).toBe(user.avatarId);
    expect((await alice.api.removeAvatar()).user.avatarId).toBeNull();
    await expect.poll(() => profilesOfAlice().at(-1)?.avatarId).toBeNull();
    expect((await fetchAvatar(bob.api, user.avatarId)).status).toBe(404);
  });

  it('avatars are served only to signed-in people, and a made-up id names nothing', async () => {
    const alice = await createChatUser(nodeA.url);
    const { user } = await alice.api.uploadAvatar(new Blob([new Uint8Array(await photo())]));
    expect((await fetch(`${nodeA.url}/api/avatars/${user.avatarId}`)).status).toBe(401);
    expect((await fetchAvatar(alice.api, encodeURIComponent('../../etc/passwd'))).status).toBe(404);
    expect((await fetchAvatar(alice.api, 'f'.repeat(64))).status).toBe(404);
  });

  it('someone without a conversation is not told', async () => {
    const alice = await createChatUser(nodeA.url);
    const stranger = await createChatUser(nodeB.url);
    const strangerClient = nodes.track(stranger.connect(nodeB.url));
    const heard = record(strangerClient);
    await opened(strangerClient);
    // Alice's own other tab is, and it comes after anything sent to the stranger.
    const aliceTab = nodes.track(alice.connect(nodeB.url));
    const aliceHears = record(aliceTab);
    await opened(aliceTab);
    await alice.api.updateProfile({ displayName: 'Private Alice' });
    await expect.poll(() => aliceHears.last('profile')).toMatchObject({ profile: { displayName: 'Private Alice' } });
    expect(heard.events.filter((e) => e.type === 'profile')).toEqual([]);
  });
});
