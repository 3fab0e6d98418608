/**
 * Failpoints: named places in the code where a fault test makes something happen at exactly that
 * moment (a node dying between commit and publish), as TiKV's failpoints or FoundationDB's buggify
 * do. Inert unless the process starts with `FAILPOINTS` set, so production never pays more than a
 * lookup in an empty map.
 *
 *   FAILPOINTS="send.after-commit=kill@20;bus.publish=delay(3000)"
 *
 * Actions: `kill` (SIGKILL this process: no cleanup, no flush, like a power cut), `throw` (an
 * infrastructure error at that point), `delay(ms)` (the step takes that long). `@N` arms the action
 * from the Nth time the point is reached (default 1), so a test can let traffic flow first.
 */
export const FAILPOINT_NAMES = [
  /** A send batch is committed; nothing about it has been acked or published yet. */
  'send.after-commit',
  /** A send batch is about to be committed. */
  'send.before-commit',
  /** A send batch's transaction holds its conversations' locks and has read their members. */
  'send.members-read',
  /** Events are about to go on the bus to the other nodes. */
  'bus.publish',
  /** A sync has read the conversations' cursors and is about to read the changed messages. */
  'sync.before-changes',
  /** A missed-mail sweep knows what is due and who is offline, and is about to claim it. */
  'missed-mail.before-claim',
  /** A presence sweep has stored when its due users were last seen and is about to take them offline. */
  'presence.before-offline',
] as const;
export type FailpointName = (typeof FAILPOINT_NAMES)[number];

type Action = { kind: 'kill' } | { kind: 'throw' } | { kind: 'delay'; ms: number };

interface Armed {
  action: Action;
  from: number;
  hits: number;
}

export class FailpointError extends Error {
  constructor(readonly point: FailpointName) {
    super(`failpoint ${point}`);
    this.name = 'FailpointError';
  }
}

export function parseFailpoints(spec: string | undefined): Map<FailpointName, Armed> {
  const armed = new Map<FailpointName, Armed>();
  for (const entry of (spec ?? '').split(';')) {
    if (entry.trim() === '') continue;
    const match = /^\s*([\w.-]+)=(kill|throw|delay\((\d+)\))(?:@(\d+))?\s*$/.exec(entry);
    if (!match) throw new Error(`FAILPOINTS: cannot read "${entry}"`);
    const [, name, verb, ms, from] = match;
    if (!(FAILPOINT_NAMES as readonly string[]).includes(name as string))
      throw new Error(`FAILPOINTS: no failpoint named "${name}"`);
    const action: Action =
      verb === 'kill' ? { kind: 'kill' } : verb === 'throw' ? { kind: 'throw' } : { kind: 'delay', ms: Number(ms) };
    armed.set(name as FailpointName, { action, from: Number(from ?? 1), hits: 0 });
  }
  return armed;
}

const armed = parseFailpoints(process.env.FAILPOINTS);

/** Reaches the named point: does nothing unless a test armed it. */
export function failpoint(name: FailpointName): Promise<void> | undefined {
  if (armed.size === 0) return undefined;
  const point = armed.get(name);
  if (!point) return undefined;
  point.hits++;
  if (point.hits < point.from) return undefined;
  // A test watching the process's output knows the moment the point is reached, to act while a delay holds.
  if (point.action.kind === 'delay') process.stderr.write(`failpoint ${name} reached\n`);
  switch (point.action.kind) {
    case 'kill':
      process.kill(process.pid, 'SIGKILL');
      // SIGKILL is delivered asynchronously: never run one more statement past the point.
      return new Promise<void>(() => {});
    case 'throw':
      return Promise.reject(new FailpointError(name));
    case 'delay':
      return new Promise<void>((resolve) => setTimeout(resolve, (point.action as { ms: number }).ms));
  }
}
