import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface ServerProcess extends ChildProcessHandle {
  url: string;
  port: number;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ChildProcessHandle {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** A TypeScript entry point of ours as its own OS process, its output collected. */
export function spawnProcess(entry: string, env: Record<string, string>): ChildProcessHandle {
  return spawnNode(['--import', 'tsx', entry], env);
}

/** Node with these arguments as its own OS process, with only PATH and `env` in its environment. */
export function spawnNode(args: string[], env: Record<string, string>, cwd?: string): ChildProcessHandle {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => output, exited };
}

/** The server as its own OS process, for what only a process can show: exit codes, signals, crashes. */
export function spawnServer(env: Record<string, string>, port: number): ServerProcess {
  const handle = spawnProcess(MAIN, { HOST: '127.0.0.1', PORT: String(port), ...env });
  return { ...handle, port, url: `http://127.0.0.1:${port}` };
}

/** Resolves once /healthz answers, or rejects if the process exits first. */
export async function waitUntilServing(
  server: ChildProcessHandle & { url: string },
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void server.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited (${exitCode}):\n${server.output()}`);
    try {
      // Bounded: a request the server accepted but never answered would outlive the deadline.
      if ((await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not start in time:\n${server.output()}`);
}
