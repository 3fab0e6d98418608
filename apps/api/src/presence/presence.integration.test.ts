import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PublicUser } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened, record } from '../../test/chat-users.ts';
import { freePort, spawnServer, waitUntilServing } from '../../test/process.ts';
import {
  createEnvironment,
  startServer,
  startTwoNodes,
  type TestEnvironment,
  type TestServer,
  type TwoNodes,
} from '../../test/server.ts';

const GRACE_MS = 800;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(BACKENDS)('presence on %s', (kind: BackendKind) => {
  let nodes: TwoNodes;
  let nodeA: TestServer;
  let nodeB: TestServer;
  const connect = (user: ChatUser, node: TestServer) => nodes.track(user.connect(node.url));

  beforeAll(async () => {
    nodes = await startTwoNodes(kind, { PRESENCE_GRACE_MS: String(GRACE_MS) });
    ({ nodeA, nodeB } = nodes);
  });

  afterAll(() => nodes.close());

  /** Bob watches Alice from node B, as her conversation peer; returns what Bob's client hears about her. */
  async function aliceWatchedByBob() {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    await bob.api.openConversation(alice.me.id);
    const bobClient = connect(bob, nodeB);
    const bobSees = record(bobClient);
    await opened(bobClient);
    const aboutAlice = () => bobSees.events.filter((e) => e.type === 'presence' && e.userId === alice.me.id);
    return { alice, bob, aboutAlice };
  }

  it('two tabs: closing one keeps the user online; closing both makes them offline after the grace period', async () => {
    const { alice, aboutAlice } = await aliceWatchedByBob();
    const tabs = [connect(alice, nodeA), connect(alice, nodeA)];
    await Promise.all(tabs.map((tab) => opened(tab)));
    await expect.poll(() => aboutAlice().at(-1)).toMatchObject({ presence: { online: true } });

    tabs[0]?.close();
    await sleep(GRACE_MS + 1200);
    expect(aboutAlice().at(-1)).toMatchObject({ presence: { online: true } });

    const closedAt = Date.now();
    tabs[1]?.close();
    await expect.poll(() => aboutAlice().at(-1), { timeout: 5000 }).toMatchObject({ presence: { online: false } });
    const offline = aboutAlice().at(-1) as unknown as { presence: { lastSeenAt: number } };
    expect(offline.presence.lastSeenAt).toBeGreaterThanOrEqual(closedAt + GRACE_MS - 50);
  });

  it('a reconnect inside the grace period sends no offline event at all', async () => {
    const { alice, aboutAlice } = await aliceWatchedByBob();
    const first = connect(alice, nodeA);
    await opened(first);
    await expect.poll(() => aboutAlice().at(-1)).toMatchObject({ presence: { online: true } });
    const before = aboutAlice().length;
    first.close();
    await sleep(GRACE_MS / 3);
    const reload = connect(alice, nodeB);
    await opened(reload);
    await sleep(GRACE_MS + 1500);
    expect(aboutAlice().slice(before)).toEqual([]);
  });

  it('last seen is recorded when a user goes offline and shown in the directory and the conversation list', async () => {
    const { alice, bob } = await aliceWatchedByBob();
    const tab = connect(alice, nodeA);
    await opened(tab);
    const directoryEntry = async () =>
      (await bob.api.directory({ query: alice.me.username })).users.find((u) => u.id === alice.me.id) as PublicUser;
    await expect.poll(async () => (await directoryEntry()).presence).toMatchObject({ online: true, lastSeenAt: null });
    const onlineVersion = (await directoryEntry()).presence.version;
    tab.close();
    await expect.poll(async () => (await directoryEntry()).presence.online, { timeout: 5000 }).toBe(false);
    const lastSeen = (await directoryEntry()).presence.lastSeenAt;
    expect(lastSeen).toBeGreaterThan(Date.now() - 10_000);
    const listed = (await bob.api.conversations()).conversations.find((c) => c.peer.id === alice.me.id);
    expect(listed?.peer.presence).toMatchObject({ online: false, lastSeenAt: lastSeen });
    // Each change outranks the one before, so a client holding both keeps the offline state.
    expect(listed?.peer.presence.version).toBeGreaterThan(onlineVersion);
  });

  it('a conversation opened on one node starts presence for the peer connected to the other node', async () => {
    const alice = await createChatUser(nodeA.url);
    const bob = await createChatUser(nodeB.url);
    const aliceTab = connect(alice, nodeA);
    const aliceSees = record(aliceTab);
    await opened(aliceTab);
    const bobTab = connect(bob, nodeB);
    await opened(bobTab);
    // Bob opens the conversation through node B; Alice's socket lives on node A.
    await bob.api.openConversation(alice.me.id);
    await expect
      .poll(() => aliceSees.events.filter((e) => e.type === 'presence' && e.userId === bob.me.id).at(-1))
      .toMatchObject({ presence: { online: true } });
  });

  it('a client hears about the users it shows, not about everyone', async () => {
    const watcher = await createChatUser(nodeB.url);
    const crowd: ChatUser[] = [];
    for (let i = 0; i < 12; i++) crowd.push(await createChatUser(i % 2 ? nodeA.url : nodeB.url));
    const watcherClient = connect(watcher, nodeB);
    const seen = record(watcherClient);
    await opened(watcherClient);
    const shown = crowd.slice(0, 2).map((u) => u.me.id);
    watcherClient.watchPresence(shown);
    await expect.poll(() => seen.events.filter((e) => e.type === 'presence').length).toBe(2);

    // Everyone comes online and goes offline again.
    const crowdClients = crowd.map((user, i) => connect(user, i % 2 ? nodeA : nodeB));
    await Promise.all(crowdClients.map((c) => opened(c)));
    for (const client of crowdClients) client.close();
    await sleep(GRACE_MS + 2000);

    const events = seen.events.filter((e) => e.type === 'presence');
    expect(new Set(events.map((e) => e.userId))).toEqual(new Set(shown));
    // The current state of each shown user once on watching, then online and offline for each.
    expect(events).toHaveLength(2 + 2 * 2);
  });
});

describe('a node killed without a goodbye', () => {
  let environment: TestEnvironment;
  beforeAll(async () => {
    environment = await createEnvironment('mysql+redis');
  });
  afterAll(async () => {
    await environment.dispose();
  });

  it('its users go offline within the bound, as seen from the other node', { timeout: 60_000 }, async () => {
    const env = {
      ...environment.backend.env,
      TRUST_PROXY: '1',
      PRESENCE_GRACE_MS: String(GRACE_MS),
      LOG_LEVEL: 'silent',
    };
    const doomed = spawnServer(
      { ...env, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'chat-doomed-')) },
      await freePort(),
    );
    await waitUntilServing(doomed);
    const survivor = await startServer(env);
    try {
      const alice = await createChatUser(doomed.url);
      const bob = await createChatUser(survivor.url);
      await bob.api.openConversation(alice.me.id);
      const aliceClient = alice.connect(doomed.url);
      await opened(aliceClient);
      const bobClient = bob.connect(survivor.url);
      const bobSees = record(bobClient);
      await opened(bobClient);
      const aboutAlice = () => bobSees.events.filter((e) => e.type === 'presence' && e.userId === alice.me.id).at(-1);
      await expect.poll(aboutAlice).toMatchObject({ presence: { online: true } });

      const killedAt = Date.now();
      doomed.child.kill('SIGKILL');
      await doomed.exited;
      aliceClient.close();
      // The bound: the node's heartbeat runs out (15 s), the next sweep (1 s) ends it.
      await expect.poll(aboutAlice, { timeout: 25_000, interval: 250 }).toMatchObject({ presence: { online: false } });
      expect(Date.now() - killedAt).toBeLessThan(20_000);
      bobClient.close();
    } finally {
      await survivor.close();
    }
  });
});
