import { afterEach, describe, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../backends.ts';
import { Ledger, printFigures } from '../ledger.ts';
import type { NodeProcess } from '../node-process.ts';
import { type Cluster, drainAndTally, expectNoHarm, makePairs, sleep, startCluster, startTraffic } from './cluster.ts';

const CUTS = 5;
const CUT_EVERY_MS = 2000;
/** Long enough for every client to notice and start backing off, short enough that they come back in the step. */
const CUT_LASTS_MS = 300;

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe.each(BACKENDS)('clients whose TCP connections are cut every 2 s, on %s', (kind: BackendKind) => {
  it('lose and repeat nothing, in order, and nothing is reported failed', { timeout: 90_000 }, async () => {
    cluster = await startCluster(kind);
    const a = cluster.nodes[0] as NodeProcess;
    const b = cluster.nodes[1] ?? a;
    const ledger = new Ledger(`client TCP cut every 2 s, ${kind}`);
    const pairs = await makePairs(cluster, ledger, 4, a, b);

    const traffic = startTraffic(ledger, pairs, 8);
    for (let cut = 0; cut < CUTS; cut++) {
      await sleep(CUT_EVERY_MS - CUT_LASTS_MS);
      for (const node of new Set([a, b])) node.balancer.cut();
      await sleep(CUT_LASTS_MS);
      for (const node of new Set([a, b])) node.balancer.restore();
    }
    await sleep(1000);
    await traffic.stop();

    const figures = await drainAndTally(ledger, cluster.store);
    printFigures(figures, { cuts: CUTS });
    expectNoHarm(figures);
  });
});
