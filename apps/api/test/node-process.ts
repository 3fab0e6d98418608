import { freePort, type ServerProcess, spawnServer, waitUntilServing } from './process.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/** A spawned node under a TypeScript loader starts in a few seconds alone, longer on a busy machine. */
const START_TIMEOUT_MS = 40_000;

/**
 * An API node as an OS process that a test can kill and start again on the same port, behind a
 * TCP proxy that stands in for the load balancer: clients dial `balancerUrl`, and when the node
 * dies the test points the balancer at another node, as a health-checking balancer would.
 */
export class NodeProcess {
  private server: ServerProcess | undefined;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly balancer: TcpProxy,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts a node with `env` (plus `extraEnv` for this first run only, e.g. FAILPOINTS). */
  static async start(name: string, env: Record<string, string>, extraEnv: Record<string, string> = {}) {
    const port = await freePort();
    const node = new NodeProcess(name, port, await startTcpProxy('127.0.0.1', port), env);
    try {
      await node.restart(extraEnv);
    } catch (error) {
      // A node that did not come up in time may still be running: nothing outlives the test.
      await node.stop();
      throw error;
    }
    return node;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get balancerUrl(): string {
    return `http://127.0.0.1:${this.balancer.port}`;
  }

  get running(): boolean {
    return this.server !== undefined && this.server.child.exitCode === null && this.server.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.server?.child.pid;
  }

  /** Resolves with the exit code (or signal) of the current run. */
  get exited(): Promise<number | string> {
    return this.server?.exited ?? Promise.resolve('not started');
  }

  /** The exit code (or signal) if the process ends within `ms`, else 'still running'. */
  exitedWithin(ms: number): Promise<number | string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('still running'), ms);
    });
    return Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
  }

  output(): string {
    return this.server?.output() ?? '';
  }

  /** Starts the node again on its port (after kill), and points its balancer back at it. */
  async restart(extraEnv: Record<string, string> = {}): Promise<void> {
    if (this.running) throw new Error(`node ${this.name} is still running`);
    this.server = spawnServer({ ...this.env, ...extraEnv }, this.port);
    await waitUntilServing(this.server, START_TIMEOUT_MS);
    this.balancer.retarget(this.port);
  }

  /** Sends the signal and resolves once the process is gone, with its exit code or signal. */
  async kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<number | string> {
    const server = this.server;
    if (!server || !this.running) return 'not running';
    server.child.kill(signal);
    return server.exited;
  }

  /** Kills the process by its PID if it still runs and closes the balancer: for afterAll, test passed or not. */
  async stop(): Promise<void> {
    await this.kill('SIGKILL');
    await this.balancer.close();
  }
}
