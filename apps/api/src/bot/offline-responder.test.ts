import { describe, expect, it } from 'vitest';
import { offlineResponder } from './offline-responder.ts';

const responder = offlineResponder(() => new Date('2026-11-23T10:20:30Z'));
const ask = (text: string) => responder.reply({ username: 'ada', text, history: [] });

describe('the offline responder', () => {
  it('answers each command', async () => {
    expect(await ask('/help')).toContain('/echo <text>');
    expect(await ask('/time')).toBe('It is 2026-11-23 10:20:30 UTC.');
    expect(await ask('/echo  two  spaces kept ')).toBe('two  spaces kept');
    expect(await ask('/echo')).toBe('Echo what? Try /echo hello.');
    expect(await ask('/launch')).toBe('I do not know /launch. Type /help for what I can do.');
  });

  it('makes small talk, and says what it can do otherwise', async () => {
    expect(await ask('Hello there')).toBe('Hello ada! Type /help to see what I can do.');
    expect(await ask('thanks!')).toBe('You are welcome!');
    expect(await ask('what is the meaning of life?')).toContain('offline robot');
    expect(await ask('purple')).toBe('I am a simple offline robot: try /help, /time or /echo.');
  });
});
