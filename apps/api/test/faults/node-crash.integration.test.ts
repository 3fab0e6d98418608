import { afterEach, describe, expect, it } from 'vitest';
import type { BackendKind } from '../backends.ts';
import { Ledger, printFigures } from '../ledger.ts';
import type { NodeProcess } from '../node-process.ts';
import { type Cluster, drainAndTally, expectNoHarm, makePairs, startCluster, stream } from './cluster.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each pair sends this many messages a second: well under the per-user limit (20/s), so no send is refused. */
const PER_SECOND = 8;
const PAIRS = 4;

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/**
 * A node dies while pairs of users stream to each other across it. With two nodes the balancer
 * then sends its clients to the survivor; on the embedded default the node is started again.
 */
describe.each([
  ['SIGKILL', 'mysql+redis'],
  ['SIGTERM', 'mysql+redis'],
  ['SIGTERM', 'embedded'],
  ['SIGKILL', 'embedded'],
] as const)('%s of a node mid-stream on %s', (signal: 'SIGKILL' | 'SIGTERM', kind: BackendKind) => {
  it('loses, repeats, reorders and falsely fails nothing', { timeout: 90_000 }, async () => {
    cluster = await startCluster(kind);
    const doomed = cluster.nodes[0] as NodeProcess;
    const other = cluster.nodes[1] ?? doomed;
    const ledger = new Ledger(`${signal} mid-stream, ${kind}`);
    const pairs = await makePairs(cluster, ledger, PAIRS, doomed, other);

    const traffic = stream(ledger, pairs, PER_SECOND, sleep(5000));
    await sleep(2000);
    const exit = await doomed.kill(signal);
    // A graceful stop finishes what it started and exits 0; a kill gives no chance to.
    expect(exit).toBe(signal === 'SIGTERM' ? 0 : 'SIGKILL');
    if (other === doomed) await doomed.restart();
    else doomed.balancer.retarget(other.port);
    await traffic;

    const figures = await drainAndTally(ledger, cluster.store);
    printFigures(figures);
    expectNoHarm(figures);
  });
});

describe('SIGKILL right after a commit, before the ack and the publish (failpoint send.after-commit)', () => {
  /** The doomed node's 20th batch: with one sender sending one message at a time, its 20th message. */
  const KILL_AT = 20;
  const SENDS = 30;
  /** Long enough for a resend through the balancer to the other node, short against the scenario's bound. */
  const LIVE_WITHIN_MS = 5000;

  it('the message acked on replay reaches the recipient live, with nothing after it to reveal a gap', {
    timeout: 90_000,
  }, async () => {
    cluster = await startCluster('mysql+redis', { firstRun: [{ FAILPOINTS: `send.after-commit=kill@${KILL_AT}` }] });
    const [doomed, survivor] = cluster.nodes as [NodeProcess, NodeProcess];
    const ledger = new Ledger('SIGKILL after commit (failpoint), mysql+redis');
    const [pair] = await makePairs(cluster, ledger, 1, doomed, survivor);
    if (!pair) throw new Error('no pair');
    void doomed.exited.then(() => doomed.balancer.retarget(survivor.port));

    const notLive: number[] = [];
    for (let n = 1; n <= SENDS; n++) {
      // Bounded, so that a send that is never acked fails the figures rather than the test's timeout.
      await Promise.race([ledger.send(pair.leftClient, pair.conversationId, 'one at a time'), sleep(LIVE_WITHIN_MS)]);
      const clientId = ledger.clientIdOf(n) as string;
      const deadline = Date.now() + LIVE_WITHIN_MS;
      while (!ledger.deliveredLive(clientId) && Date.now() < deadline) await sleep(20);
      if (!ledger.deliveredLive(clientId)) notLive.push(n);
    }
    const exit = await doomed.exitedWithin(1000);
    const figures = await drainAndTally(ledger, cluster.store);
    printFigures(figures, { killedAtSend: KILL_AT, doomedNode: exit, notLiveWithin5s: notLive });
    expect(exit, 'the failpoint killed the node').toBe('SIGKILL');
    expect(notLive, 'acked sends not delivered live to the recipient').toEqual([]);
    expectNoHarm(figures);
  });
});
