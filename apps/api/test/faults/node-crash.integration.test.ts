import { afterEach, describe, expect, it } from 'vitest';
import type { BackendKind } from '../backends.ts';
import { Ledger, printFigures } from '../ledger.ts';
import type { NodeProcess } from '../node-process.ts';
import { type Cluster, drainAndTally, expectNoHarm, makePairs, sleep, startCluster, startTraffic } from './cluster.ts';

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

    const traffic = startTraffic(ledger, pairs, PER_SECOND);
    await sleep(2000);
    const exit = await doomed.kill(signal);
    // A graceful stop finishes what it started and exits 0; a kill gives no chance to.
    expect(exit).toBe(signal === 'SIGTERM' ? 0 : 'SIGKILL');
    if (other === doomed) await doomed.restart();
    else doomed.balancer.retarget(other.port);
    await sleep(2000);
    await traffic.stop();

    const figures = await drainAndTally(ledger, cluster.store);
    printFigures(figures);
    expectNoHarm(figures);
  });
});
