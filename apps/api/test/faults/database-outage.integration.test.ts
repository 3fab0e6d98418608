import { afterEach, describe, expect, it } from 'vitest';
import { TEST_MYSQL_URL } from '../backends.ts';
import { Ledger, printFigures } from '../ledger.ts';
import type { NodeProcess } from '../node-process.ts';
import { type PrivateMariadb, startPrivateMariadb } from '../private-mariadb.ts';
import { startTcpProxy, type TcpProxy } from '../tcp-proxy.ts';
import { type Cluster, drainAndTally, expectNoHarm, makePairs, sleep, startCluster, startTraffic } from './cluster.ts';

const CUT_MS = 10_000;
const CRASH_DOWN_MS = 3000;
/** After the database returns, the clients' resends (with back-off) must all have been acked by then. */
const RECOVERY_MS = 30_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the database cut for 10 s through a TCP proxy, under two nodes', () => {
  it('keeps the sends made during the cut pending, stores each once afterwards and reports none failed', {
    timeout: 90_000,
  }, async () => {
    // The shared MariaDB behind a proxy of the test's own: cutting the proxy never touches the server.
    const direct = new URL(TEST_MYSQL_URL);
    const proxy: TcpProxy = await startTcpProxy(direct.hostname, Number(direct.port || 3306));
    cleanups.push(() => proxy.close());
    const cluster: Cluster = await startCluster('mysql+redis', {
      databaseThrough: (url) => {
        const proxied = new URL(url);
        proxied.port = String(proxy.port);
        return proxied.toString();
      },
    });
    cleanups.push(() => cluster.close());
    const [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
    const ledger = new Ledger('database cut 10 s, mysql+redis');
    const pairs = await makePairs(cluster, ledger, 4, a, b);

    const traffic = startTraffic(ledger, pairs, 5);
    await sleep(2000);
    proxy.cut();
    const cutAt = performance.now();
    await sleep(CUT_MS);
    const ackedDuringCut = ledger.ackLatencies(cutAt + 1000, performance.now()).length;
    proxy.restore();
    await sleep(2000);
    await traffic.stop();

    const figures = await drainAndTally(ledger, cluster.store, RECOVERY_MS);
    printFigures(figures, { ackedDuringCut });
    expect(ackedDuringCut, 'a send acked while the database was unreachable').toBe(0);
    expectNoHarm(figures);
  });
});

describe('a private mariadbd killed with SIGKILL and started again on its data, under two nodes', () => {
  it('loses nothing acked, reports nothing failed that was stored, stores nothing twice', {
    timeout: 90_000,
  }, async () => {
    const mariadb: PrivateMariadb = await startPrivateMariadb();
    cleanups.push(() => mariadb.stop());
    const cluster: Cluster = await startCluster('mysql+redis', { env: { DATABASE_URL: mariadb.url } });
    cleanups.push(() => cluster.close());
    const [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
    const ledger = new Ledger('mariadbd SIGKILL + restart, mysql+redis');
    const pairs = await makePairs(cluster, ledger, 4, a, b);

    const traffic = startTraffic(ledger, pairs, 8);
    await sleep(2000);
    await mariadb.kill();
    const killedAt = Date.now();
    // Down for a while, as a crashed server is before its supervisor restarts it: sends pile up meanwhile.
    await sleep(CRASH_DOWN_MS);
    await mariadb.start();
    const downMs = Date.now() - killedAt;
    await sleep(2000);
    await traffic.stop();

    const figures = await drainAndTally(ledger, cluster.store, RECOVERY_MS);
    printFigures(figures, { databaseDownMs: downMs });
    expectNoHarm(figures);
  });
});
