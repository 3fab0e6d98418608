import type { Presence } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened, record } from '../../test/chat-users.ts';
import { startTwoNodes, type TestServer, type TwoNodes } from '../../test/server.ts';

const GRACE_MS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HIDDEN = { online: false, lastSeenAt: null };

describe.each(BACKENDS)('who sees my presence, on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let nodeA: TestServer;
  let nodeB: TestServer;

  beforeAll(async () => {
    nodes = await startTwoNodes(kind, { PRESENCE_GRACE_MS: String(GRACE_MS) });
    ({ nodeA, nodeB } = nodes);
  });
  afterAll(() => nodes.close());

  /** A watcher of Alice on node B: what their client hears of her. */
  async function watcherOf(alice: ChatUser, options: { peer: boolean }) {
    const watcher = await createChatUser(nodeB.url);
    if (options.peer) await watcher.api.openConversation(alice.me.id);
    const client = nodes.track(watcher.connect(nodeB.url));
    const hears = record(client);
    await opened(client);
    if (!options.peer) client.watchPresence([alice.me.id]);
    const aboutAlice = () =>
      hears.events.filter((e) => e.type === 'presence' && e.userId === alice.me.id).map((e) => e.presence as Presence);
    return { watcher, client, aboutAlice, latest: () => aboutAlice().at(-1) };
  }
  const asListedFor = async (viewer: ChatUser, userId: number) =>
    (await viewer.api.conversations()).conversations.find((c) => c.peer.id === userId)?.peer.presence;
  const inDirectoryOf = async (viewer: ChatUser, user: ChatUser) =>
    (await viewer.api.directory({ query: user.me.username })).users.find((u) => u.id === user.me.id)?.presence;

  async function onlineAlice() {
    const alice = await createChatUser(nodeA.url);
    const tab = nodes.track(alice.connect(nodeA.url));
    await opened(tab);
    return { alice, tab };
  }

  it('"nobody": a peer on the other node sees me offline, never seen, at once and after a reload, while I chat', async () => {
    const { alice, tab } = await onlineAlice();
    const bob = await watcherOf(alice, { peer: true });
    await expect.poll(bob.latest).toMatchObject({ online: true });

    const { user } = await alice.api.updateSettings({ presenceVisibility: 'nobody' });
    expect(user.presenceVisibility).toBe('nobody');
    await expect.poll(bob.latest).toMatchObject(HIDDEN);
    expect(await asListedFor(bob.watcher, alice.me.id)).toMatchObject(HIDDEN);
    expect(await inDirectoryOf(bob.watcher, alice)).toMatchObject(HIDDEN);

    // Her coming and going tells Bob nothing, not even that something happened.
    const heard = bob.aboutAlice().length;
    tab.close();
    await sleep(GRACE_MS + 1500);
    const again = nodes.track(alice.connect(nodeB.url));
    await opened(again);
    await sleep(500);
    expect(bob.aboutAlice().slice(heard)).toEqual([]);
    expect(await asListedFor(bob.watcher, alice.me.id)).toMatchObject(HIDDEN);

    // Back to everyone: Bob sees her online at once, the state outranking the hidden one.
    await alice.api.updateSettings({ presenceVisibility: 'everyone' });
    await expect.poll(bob.latest).toMatchObject({ online: true });
  });

  it('"nobody": a client that connects later gets the hidden state in its snapshot', async () => {
    const { alice } = await onlineAlice();
    await alice.api.updateSettings({ presenceVisibility: 'nobody' });
    const bob = await watcherOf(alice, { peer: true });
    await expect.poll(bob.latest).toMatchObject(HIDDEN);
  });

  it('"my conversations": a peer sees me, someone else does not, and sees me once we talk', async () => {
    const { alice } = await onlineAlice();
    const bob = await watcherOf(alice, { peer: true });
    const stranger = await watcherOf(alice, { peer: false });
    await expect.poll(stranger.latest).toMatchObject({ online: true });

    await alice.api.updateSettings({ presenceVisibility: 'conversations' });
    await expect.poll(stranger.latest).toMatchObject(HIDDEN);
    expect(await inDirectoryOf(stranger.watcher, alice)).toMatchObject(HIDDEN);
    expect(bob.latest()).toMatchObject({ online: true });
    expect(await inDirectoryOf(bob.watcher, alice)).toMatchObject({ online: true });

    await stranger.watcher.api.openConversation(alice.me.id);
    await expect.poll(stranger.latest).toMatchObject({ online: true });
    expect(await asListedFor(stranger.watcher, alice.me.id)).toMatchObject({ online: true });
  });

  it('"my conversations": going offline reaches the peer with the last seen, not the others', async () => {
    const { alice, tab } = await onlineAlice();
    await alice.api.updateSettings({ presenceVisibility: 'conversations' });
    const bob = await watcherOf(alice, { peer: true });
    const stranger = await watcherOf(alice, { peer: false });
    await expect.poll(bob.latest).toMatchObject({ online: true });
    await expect.poll(stranger.latest).toMatchObject(HIDDEN);
    const strangerHeard = stranger.aboutAlice().length;

    tab.close();
    await expect.poll(bob.latest, { timeout: 5000 }).toMatchObject({ online: false });
    expect(bob.latest()?.lastSeenAt).toBeGreaterThan(Date.now() - 10_000);
    expect(stranger.aboutAlice().slice(strangerHeard)).toEqual([]);
  });
});
