import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RemotePeer {
  /** This machine's end of the link: a server listening here (or on 0.0.0.0) is reachable from the peer. */
  hostAddress: string;
  /** The peer's own address, as the server's socket sees it. */
  peerAddress: string;
  /** curl run inside the peer's namespace; resolves with the status code and the body. */
  curl(url: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  dispose(): Promise<void>;
}

/**
 * Another machine, as far as a server here can tell: a network namespace of its own, joined to this
 * one by a veth pair on a /30 of 10.213.0.0/16 that exists only between the two ends.
 */
export async function createRemotePeer(): Promise<RemotePeer> {
  const id = randomInt(1 << 20).toString(36);
  const namespace = `chat-peer-${id}`;
  const hostEnd = `vh-${id}`;
  const peerEnd = `vp-${id}`;
  const block = randomInt(1 << 14) * 4;
  const subnet = `10.213.${block >> 8}`;
  const hostAddress = `${subnet}.${(block & 255) + 1}`;
  const peerAddress = `${subnet}.${(block & 255) + 2}`;
  const ip = (...args: string[]) => run('ip', args);
  const inside = (...args: string[]) => run('ip', ['netns', 'exec', namespace, ...args]);
  await ip('netns', 'add', namespace);
  try {
    await ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', peerEnd);
    await ip('link', 'set', peerEnd, 'netns', namespace);
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', hostEnd);
    await ip('link', 'set', hostEnd, 'up');
    await inside('ip', 'addr', 'add', `${peerAddress}/30`, 'dev', peerEnd);
    await inside('ip', 'link', 'set', peerEnd, 'up');
  } catch (error) {
    await ip('netns', 'del', namespace);
    throw error;
  }
  return {
    hostAddress,
    peerAddress,
    async curl(url, headers = {}) {
      const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
      const { stdout } = await inside('curl', '-sS', '--max-time', '10', '-w', '\n%{http_code}', ...headerArgs, url);
      const cut = stdout.lastIndexOf('\n');
      return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
    },
    async dispose() {
      // Deleting the namespace deletes its veth end, and with it the pair.
      await ip('netns', 'del', namespace);
    },
  };
}
