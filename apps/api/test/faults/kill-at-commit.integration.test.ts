import { afterEach, describe, expect, it } from 'vitest';
import { Ledger, printFigures } from '../ledger.ts';
import type { NodeProcess } from '../node-process.ts';
import { type Cluster, drainAndTally, expectNoHarm, makePairs, sleep, startCluster } from './cluster.ts';

/** The doomed node's 20th batch: with one sender sending one message at a time, its 20th message. */
const KILL_AT = 20;
const SENDS = 30;
/** Long enough for a resend through the balancer to the other node, short against the scenario's bound. */
const LIVE_WITHIN_MS = 5000;

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/**
 * A node dies at an exact point of its 20th send: after the commit, before anyone was told (the
 * resend must be acked from what is stored and fanned out again), or just before the commit (the
 * resend is a fresh send on the other node).
 */
describe.each([
  ['after', 'send.after-commit'],
  ['before', 'send.before-commit'],
] as const)('SIGKILL right %s a commit (failpoint %s)', (when, point) => {
  it('every acked message reaches the recipient live, with nothing after it to reveal a gap', {
    timeout: 90_000,
  }, async () => {
    cluster = await startCluster('mysql+redis', { firstRun: [{ FAILPOINTS: `${point}=kill@${KILL_AT}` }] });
    const [doomed, survivor] = cluster.nodes as [NodeProcess, NodeProcess];
    const ledger = new Ledger(`SIGKILL ${when} commit (failpoint), mysql+redis`);
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
