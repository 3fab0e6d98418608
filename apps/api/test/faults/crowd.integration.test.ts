import { afterAll, describe, expect, it } from 'vitest';
import type { ChatUser } from '../chat-users.ts';
import { Ledger, printFigures } from '../ledger.ts';
import type { NodeProcess } from '../node-process.ts';
import { type Cluster, drainAndTally, expectNoHarm, makePairs, sleep, startCluster, within } from './cluster.ts';

/**
 * 250 users in 125 conversations, eight tabs each: 2,000 clients, the left half on the node that
 * dies. Eight tabs stay under the per-user limits (20 sockets a node; a burst of 10 syncs, one per
 * reconnecting tab) and need half the sign-ups of four.
 */
const PAIRS = 125;
const TABS = 8;
/** A dead node's presence lease (NODE_TTL_MS in presence/redis-store.ts) and a sweep after it. */
const DEAD_NODE_FORGOTTEN_MS = 15_000 + 3000;

describe('2,000 clients over two nodes, the node holding half of them killed', () => {
  let cluster: Cluster | undefined;
  afterAll(async () => {
    await cluster?.close();
  });

  it('all resync, nothing is lost, and every user is shown online to their peer at the end', {
    timeout: 180_000,
  }, async () => {
    cluster = await startCluster('mysql+redis');
    const [doomed, survivor] = cluster.nodes as [NodeProcess, NodeProcess];
    const ledger = new Ledger('2,000 clients, SIGKILL of the node with half, mysql+redis');
    const setupStarted = Date.now();
    const pairs = await makePairs(cluster, ledger, PAIRS, doomed, survivor, TABS);
    const setupMs = Date.now() - setupStarted;
    const peersShownOnline = () =>
      pairs.filter(
        (pair) =>
          pair.rightSees.get(pair.left.me.id)?.online === true && pair.leftSees.get(pair.right.me.id)?.online === true,
      ).length;
    await within(10_000, () => peersShownOnline() === PAIRS);
    const shownOfflineBeforeKill = PAIRS - peersShownOnline();

    const killedAt = Date.now();
    expect(await doomed.kill('SIGKILL')).toBe('SIGKILL');
    doomed.balancer.retarget(survivor.port);
    // Sent to users whose every tab is reconnecting: they must get it from their resync.
    await Promise.all(pairs.map((pair) => ledger.send(pair.rightClient, pair.conversationId, 'to the cut')));
    const everyTabOpen = () => pairs.every((p) => [...p.leftTabs, ...p.rightTabs].every((c) => c.isOpen));
    const resyncedMs = await within(60_000, () => everyTabOpen() && ledger.undelivered() === 0);
    await Promise.all(pairs.map((pair) => ledger.send(pair.leftClient, pair.conversationId, 'back')));
    const presenceMs = await within(10_000, () => peersShownOnline() === PAIRS);

    // The dead node's presence lease runs out meanwhile: its sweep must not take anyone offline.
    await sleep(Math.max(0, killedAt + DEAD_NODE_FORGOTTEN_MS - Date.now()));
    const online = async (viewer: ChatUser, user: ChatUser) =>
      (await viewer.api.directory({ query: user.me.username })).users.find((u) => u.id === user.me.id)?.presence.online;
    let shownOfflineByRest = 0;
    for (const pair of pairs) {
      if ((await online(pair.right, pair.left)) !== true) shownOfflineByRest++;
      if ((await online(pair.left, pair.right)) !== true) shownOfflineByRest++;
    }
    const shownOfflineLive = PAIRS - peersShownOnline();

    const figures = await drainAndTally(ledger, cluster.store);
    printFigures(figures, {
      clients: PAIRS * 2 * TABS,
      setupMs,
      resyncedMs: resyncedMs ?? null,
      presenceMs: presenceMs ?? null,
      shownOfflineBeforeKill,
      shownOfflineLive,
      shownOfflineByRest,
    });
    expect(resyncedMs, 'every tab open again with every acked message').toBeDefined();
    expect({ shownOfflineBeforeKill, shownOfflineLive, shownOfflineByRest }, 'pairs not shown online').toEqual({
      shownOfflineBeforeKill: 0,
      shownOfflineLive: 0,
      shownOfflineByRest: 0,
    });
    expectNoHarm(figures);
  });
});
