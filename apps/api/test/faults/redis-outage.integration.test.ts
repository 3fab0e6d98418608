import { afterAll, describe, expect, it } from 'vitest';
import type { ChatUser } from '../chat-users.ts';
import { Ledger, percentile, printFigures } from '../ledger.ts';
import type { NodeProcess } from '../node-process.ts';
import { type PrivateRedis, startPrivateRedis } from '../private-redis.ts';
import {
  type Cluster,
  drainAndTally,
  expectNoHarm,
  makePairs,
  sleep,
  startCluster,
  startTraffic,
  within,
} from './cluster.ts';

const OUTAGE_MS = 10_000;
/** Generous against a normal p99 of tens of ms: a send that waited for Redis would take the whole outage. */
const OUTAGE_ACK_P99_BOUND_MS = 1000;
const PRESENCE_BOUND_MS = 5000;
/** A push on the node itself takes milliseconds; this only absorbs a busy machine. */
const SAME_NODE_DELIVERY_MS = 2000;

describe('Redis killed for 10 s and started again empty, under two nodes', () => {
  let redis: PrivateRedis | undefined;
  let cluster: Cluster | undefined;
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  it('never blocks a send, keeps same-node chats live, and has presence right again within 5 s', {
    timeout: 90_000,
  }, async () => {
    redis = await startPrivateRedis();
    cluster = await startCluster('mysql+redis', { env: { REDIS_URL: redis.url } });
    const [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
    const ledger = new Ledger('Redis down 10 s, mysql+redis');
    const across = await makePairs(cluster, ledger, 3, a, b);
    const sameNode = await makePairs(cluster, ledger, 2, a, a);
    const [leaving] = await makePairs(cluster, ledger, 1, a, b);
    if (!leaving) throw new Error('no pair');
    const watched = [...across, leaving];

    const traffic = startTraffic(ledger, [...across, ...sameNode], 5);
    await sleep(2000);
    const outageStart = performance.now();
    await redis.stop();
    await sleep(1000);
    // Goes away while nobody can hear it: after the restart the peer must see it offline, not a stale online.
    leaving.leftClient.close();
    await sleep(OUTAGE_MS - 1000);
    const outageEnd = performance.now();
    // What a node acked while Redis was down reaches the members on that node without it, in moments.
    const sameNodeIds = new Set(sameNode.map((p) => p.conversationId));
    await within(
      SAME_NODE_DELIVERY_MS,
      () => ledger.undelivered({ conversationIds: sameNodeIds, sentBefore: outageEnd }) === 0,
    );
    const sameNodeUndelivered = ledger.undelivered({ conversationIds: sameNodeIds, sentBefore: outageEnd });
    await redis.start();

    const online = async (viewer: ChatUser, user: ChatUser) =>
      (await viewer.api.directory({ query: user.me.username })).users.find((u) => u.id === user.me.id)?.presence.online;
    /** Every view that is wrong now, named, so that a failure says whose presence and where. */
    const presenceWrong = async () => {
      const wrong: string[] = [];
      for (const [index, pair] of watched.entries()) {
        const leftOnline = pair !== leaving;
        const views = {
          'left as its peer sees it live': [pair.rightSees.get(pair.left.me.id)?.online, leftOnline],
          'right as its peer sees it live': [pair.leftSees.get(pair.right.me.id)?.online, true],
          'left in its peer directory': [await online(pair.right, pair.left), leftOnline],
          'right in its peer directory': [await online(pair.left, pair.right), true],
        };
        for (const [view, [shown, truth]] of Object.entries(views))
          if (shown !== truth) wrong.push(`pair ${index}: ${view} is ${shown}, should be ${truth}`);
      }
      return wrong;
    };
    const presenceAfterMs = await within(PRESENCE_BOUND_MS, async () => (await presenceWrong()).length === 0);
    const presenceWrongAtBound = await presenceWrong();
    await sleep(2000);
    await traffic.stop();

    const figures = await drainAndTally(ledger, cluster.store);
    const outageAckP99Ms = Math.round(percentile(ledger.ackLatencies(outageStart, outageEnd), 99));
    const normalAckP99Ms = Math.round(percentile(ledger.ackLatencies(0, outageStart), 99));
    printFigures(figures, {
      normalAckP99Ms,
      outageAckP99Ms,
      sameNodeUndelivered,
      presenceAfterMs: presenceAfterMs ?? null,
      presenceWrongAtBound,
    });
    expect(outageAckP99Ms).toBeLessThan(OUTAGE_ACK_P99_BOUND_MS);
    expect(sameNodeUndelivered, 'same-node messages not delivered live while Redis was down').toBe(0);
    expect(presenceAfterMs, `presence not right within ${PRESENCE_BOUND_MS} ms of the restart`).toBeDefined();
    expectNoHarm(figures);
  });
});
