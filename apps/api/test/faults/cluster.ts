import type { RealtimeClient } from '@chat/client';
import { newerPresence, type Presence } from '@chat/protocol';
import { expect } from 'vitest';
import type { BackendKind } from '../backends.ts';
import { type ChatUser, createChatUser, opened } from '../chat-users.ts';
import type { Figures, Ledger, StoreLocation } from '../ledger.ts';
import { NodeProcess } from '../node-process.ts';
import { createEnvironment, type TestEnvironment } from '../server.ts';

/** Short, so that presence settles within a scenario's time; the robot stays out of the counts. */
const NODE_ENV = { TRUST_PROXY: '1', BOT_MODE: 'off', PRESENCE_GRACE_MS: '1000', LOG_LEVEL: 'error' };

export interface Cluster {
  environment: TestEnvironment;
  /** Two nodes on MariaDB + Redis; one on the embedded default. */
  nodes: NodeProcess[];
  store: StoreLocation;
  /** Remembers a realtime client so that close() closes it. */
  track(client: RealtimeClient): RealtimeClient;
  close(): Promise<void>;
}

export interface ClusterOptions {
  /** Overrides of the backend's environment (a private Redis, a proxied database). */
  env?: Record<string, string>;
  /** The nodes reach the backend's database at this address instead (a proxy in front of it). */
  databaseThrough?: (directUrl: string) => string;
  /** Environment of each node's first run only, by index (failpoints). */
  firstRun?: Array<Record<string, string>>;
}

/** Spawned nodes on a fresh backend; close() kills by PID whatever still runs, whether the test passed or not. */
export async function startCluster(kind: BackendKind, options: ClusterOptions = {}): Promise<Cluster> {
  const environment = await createEnvironment(kind);
  const env: Record<string, string> = { ...environment.backend.env, ...NODE_ENV, ...options.env };
  const directDatabaseUrl = env.DATABASE_URL;
  if (directDatabaseUrl && options.databaseThrough) env.DATABASE_URL = options.databaseThrough(directDatabaseUrl);
  const count = kind === 'embedded' ? 1 : 2;
  const nodes: NodeProcess[] = [];
  const clients: RealtimeClient[] = [];
  const close = async () => {
    for (const client of clients) client.close();
    await Promise.all(nodes.map((node) => node.stop()));
    if (process.env.FAULTS_DEBUG) for (const node of nodes) console.log(node.name, node.output());
    await environment.dispose();
  };
  try {
    // One after the other: both run migrations, and the second then finds them done.
    for (let i = 0; i < count; i++) nodes.push(await NodeProcess.start(`node${i}`, env, options.firstRun?.[i]));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    environment,
    nodes,
    store: { databaseUrl: directDatabaseUrl, dataDir: environment.dataDir },
    track(client) {
      clients.push(client);
      return client;
    },
    close,
  };
}

export interface Pair {
  left: ChatUser;
  right: ChatUser;
  conversationId: number;
  /** The first of each side's tabs: the one that sends. */
  leftClient: RealtimeClient;
  rightClient: RealtimeClient;
  leftTabs: RealtimeClient[];
  rightTabs: RealtimeClient[];
  /** What the left user's first tab shows about the right user's presence, and the other way round. */
  leftSees: Map<number, Presence>;
  rightSees: Map<number, Presence>;
}

/** Sign-ups at once: enough to fill a crowd quickly, few enough not to starve the nodes. */
const SIGNUP_CONCURRENCY = 32;

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Pairs of users in one conversation each, the left one connected through `leftNode`'s balancer
 * and the right one through `rightNode`'s, with `tabs` connections each, all watched by the ledger.
 */
export async function makePairs(
  cluster: Cluster,
  ledger: Ledger,
  count: number,
  leftNode: NodeProcess,
  rightNode: NodeProcess,
  tabs = 1,
): Promise<Pair[]> {
  const pairs = await mapLimited(Array.from({ length: count }), SIGNUP_CONCURRENCY / 2, async () => {
    const [left, right] = await Promise.all([
      createChatUser(leftNode.balancerUrl),
      createChatUser(rightNode.balancerUrl),
    ]);
    const { conversation } = await left.api.openConversation(right.me.id);
    // Both have it in their list, as after a first message: each watches the other's presence from the start.
    await right.api.openConversation(left.me.id);
    const connectTabs = (user: ChatUser, node: NodeProcess) =>
      Array.from({ length: tabs }, () => {
        const client = cluster.track(user.connect(node.balancerUrl));
        ledger.watch(client, [conversation.id]);
        return client;
      });
    const leftTabs = connectTabs(left, leftNode);
    const rightTabs = connectTabs(right, rightNode);
    const pair: Pair = {
      leftSees: presenceView(leftTabs[0] as RealtimeClient),
      rightSees: presenceView(rightTabs[0] as RealtimeClient),
      left,
      right,
      conversationId: conversation.id,
      leftClient: leftTabs[0] as RealtimeClient,
      rightClient: rightTabs[0] as RealtimeClient,
      leftTabs,
      rightTabs,
    };
    return pair;
  });
  await Promise.all(pairs.flatMap((p) => [...p.leftTabs, ...p.rightTabs].map((c) => opened(c, 30_000))));
  return pairs;
}

/** Paces traffic and faults; never the thing a scenario asserts on. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Traffic, not an assertion: every pair sends `perSecond` messages a second in turns from both
 * sides, without waiting for acks (a stream keeps several in flight), until stopped.
 */
export function startTraffic(ledger: Ledger, pairs: Pair[], perSecond: number): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    for (let tick = 0; !stopped; tick++) {
      for (const pair of pairs) {
        const client = tick % 2 === 0 ? pair.leftClient : pair.rightClient;
        void ledger.send(client, pair.conversationId, tick % 2 === 0 ? 'left' : 'right');
      }
      await sleep(1000 / perSecond);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * The end of every scenario: wait until every send is settled and every acked message is in
 * every recipient's app, then ask for a final sync and count against the database.
 */
export async function drainAndTally(ledger: Ledger, store: StoreLocation, timeoutMs = 20_000): Promise<Figures> {
  await ledger.settle(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  while (ledger.undelivered() > 0 && Date.now() < deadline) await sleep(200);
  await ledger.finalSync();
  return ledger.tally(store);
}

/** What every fault scenario promises a user: nothing lost, nothing twice, in order, no false failure. */
export function expectNoHarm(figures: Figures): void {
  expect({
    lost: figures.lost,
    duplicated: figures.duplicated,
    outOfOrder: figures.outOfOrder,
    wronglyFailed: figures.wronglyFailed,
    refused: figures.refused,
    unsettled: figures.unsettled,
    afterFinalSync: figures.afterFinalSync,
  }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, wronglyFailed: 0, refused: 0, unsettled: 0, afterFinalSync: 0 });
  expect(figures.acked).toBe(figures.sent);
  expect(figures.stored).toBe(figures.sent);
}

/** What a client's app shows about other users' presence: of the frames about each, the newest. */
export function presenceView(client: RealtimeClient): Map<number, Presence> {
  const view = new Map<number, Presence>();
  client.on('presence', ({ userId, presence }) => {
    const known = view.get(userId);
    view.set(userId, known ? newerPresence(known, presence) : presence);
  });
  return view;
}

/** Polls `condition` until it holds or the time is up; resolves with how long it took, or undefined. */
export async function within(timeoutMs: number, condition: () => boolean | Promise<boolean>) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition()) return Date.now() - started;
    await sleep(50);
  }
  return undefined;
}
