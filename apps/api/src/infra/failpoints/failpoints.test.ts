import { describe, expect, it } from 'vitest';
import { parseFailpoints } from './failpoints.ts';

describe('parseFailpoints', () => {
  it('reads each action and the hit it is armed from', () => {
    const armed = parseFailpoints('send.after-commit=kill@20; bus.publish=delay(3000);send.before-commit=throw');
    expect(armed.get('send.after-commit')).toEqual({ action: { kind: 'kill' }, from: 20, hits: 0 });
    expect(armed.get('bus.publish')).toEqual({ action: { kind: 'delay', ms: 3000 }, from: 1, hits: 0 });
    expect(armed.get('send.before-commit')?.action).toEqual({ kind: 'throw' });
  });

  it('is empty when nothing is armed', () => {
    expect(parseFailpoints(undefined).size).toBe(0);
    expect(parseFailpoints('').size).toBe(0);
  });

  it('refuses a point that does not exist or an action it cannot read, so a test cannot arm nothing', () => {
    expect(() => parseFailpoints('send.after-comit=kill')).toThrow(/no failpoint named/);
    expect(() => parseFailpoints('bus.publish=explode')).toThrow(/cannot read/);
  });
});
