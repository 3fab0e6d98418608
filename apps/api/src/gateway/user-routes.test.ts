import { describe, expect, it } from 'vitest';
import type { Bus } from '../infra/bus/index.ts';
import { UserRoutes } from './user-routes.ts';

/** A bus that records subscription commands; `join` settles when the test says so. */
function recordingBus() {
  const commands: Array<[string, string[]]> = [];
  const pending: Array<() => void> = [];
  let healthy = true;
  const bus = {
    isHealthy: () => healthy,
    join: (channels: readonly string[]) => {
      commands.push(['join', [...channels]]);
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    leave: async (channels: readonly string[]) => {
      commands.push(['leave', [...channels]]);
    },
  } as unknown as Bus;
  return {
    bus,
    commands,
    settle: () => {
      for (const resolve of pending.splice(0)) resolve();
    },
    setHealthy: (value: boolean) => {
      healthy = value;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function routes(held: Set<number>, bus: Bus, late: number[] = []) {
  return new UserRoutes(
    bus,
    (userId) => held.has(userId),
    (userId) => late.push(userId),
    (error) => {
      throw error;
    },
  );
}

describe('UserRoutes', () => {
  it('joins the users of one tick in one command and lets them in only once it is active', async () => {
    const { bus, commands, settle } = recordingBus();
    const held = new Set([1, 2]);
    const user = routes(held, bus);
    let admitted = 0;
    for (const userId of held) void user.attach(userId).then(() => admitted++);
    await tick();
    expect(commands).toEqual([
      ['leave', []],
      ['join', ['user:1', 'user:2']],
    ]);
    expect(admitted).toBe(0);
    settle();
    await tick();
    expect(admitted).toBe(2);
    // A second connection of a user already joined waits for nothing and sends nothing.
    await user.attach(1);
    expect(commands).toHaveLength(2);
  });

  it('leaves after the last connection, keeps the channel of one who came back in the same tick', async () => {
    const { bus, commands, settle } = recordingBus();
    const held = new Set([1, 2]);
    const user = routes(held, bus);
    const attached = [user.attach(1), user.attach(2)];
    await tick();
    settle();
    await Promise.all(attached);
    commands.length = 0;
    held.delete(1);
    held.delete(2);
    user.detach(1);
    user.detach(2);
    held.add(2);
    const back = user.attach(2);
    await tick();
    await back;
    expect(commands).toEqual([
      ['leave', ['user:1']],
      ['join', []],
    ]);
    // Gone for good: the next connection joins again.
    held.add(1);
    void user.attach(1);
    await tick();
    expect(commands.at(-1)).toEqual(['join', ['user:1']]);
  });

  it('never joins for a connection that came and went within the tick', async () => {
    const { bus, commands } = recordingBus();
    const held = new Set<number>();
    const user = routes(held, bus);
    void user.attach(7);
    user.detach(7);
    await tick();
    expect(commands).toEqual([
      ['leave', ['user:7']],
      ['join', []],
    ]);
  });

  it('does not hold a connection while the bus is down: its return resyncs everyone', async () => {
    const { bus, setHealthy } = recordingBus();
    setHealthy(false);
    await routes(new Set([3]), bus).attach(3);
  });
});
