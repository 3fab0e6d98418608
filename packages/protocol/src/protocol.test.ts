import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as protocol from './index.ts';
import { parseClientFrame } from './index.ts';

/**
 * The fingerprint of every schema and constant this package exports (frames, limits, close codes,
 * error codes), recorded for the current version.
 * When this test fails: if existing clients could be broken by the change, bump PROTOCOL_VERSION;
 * either way record the new fingerprint here.
 */
const RECORDED = { version: 1, fingerprint: '21825e45b0a895c8' };

function fingerprint(): string {
  const schemas = Object.entries(protocol)
    .filter(([, value]) => typeof value !== 'function')
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(schemas)).digest('hex').slice(0, 16);
}

describe('protocol', () => {
  it('changes no schema without a version bump', () => {
    expect({ version: protocol.PROTOCOL_VERSION, fingerprint: fingerprint() }).toEqual(RECORDED);
  });
});

describe('parseClientFrame', () => {
  it('accepts a valid frame as it is', () => {
    expect(parseClientFrame('{"type":"send","clientId":"c1","conversationId":4,"text":"hi"}')).toEqual({
      ok: true,
      frame: { type: 'send', clientId: 'c1', conversationId: 4, text: 'hi' },
    });
  });

  it.each([
    ['{not json', 'malformed_frame'],
    ['[1,2]', 'malformed_frame'],
    ['{"kind":"send"}', 'malformed_frame'],
    ['{"type":"teleport"}', 'unknown_frame'],
    ['{"type":"__proto__"}', 'unknown_frame'],
    ['{"type":"read","conversationId":0,"seq":1}', 'validation_failed'],
    ['{"type":"ping","extra":true}', 'validation_failed'],
  ])('refuses %s as %s', (raw, code) => {
    expect(parseClientFrame(raw)).toMatchObject({ ok: false, code });
  });

  it('says which field is wrong and why', () => {
    const text = 'x'.repeat(protocol.WS_LIMITS.maxTextLength + 1);
    const result = parseClientFrame(JSON.stringify({ type: 'send', clientId: 'c', userId: 2, text }));
    expect(result).toEqual({
      ok: false,
      code: 'validation_failed',
      frameType: 'send',
      message: 'Invalid "send" frame: text: must not have more than 4000 characters.',
      clientId: 'c',
    });
  });

  it('names the clientId of a refused send or change only when it has a usable one', () => {
    const refused = (frame: object) => parseClientFrame(JSON.stringify(frame));
    expect(refused({ type: 'send', clientId: 'c7', conversationId: 0, text: 'hi' })).toMatchObject({ clientId: 'c7' });
    expect(refused({ type: 'send', clientId: 7, conversationId: 1, text: 'hi' })).toMatchObject({
      clientId: undefined,
    });
    const tooLong = 'c'.repeat(protocol.WS_LIMITS.maxClientIdLength + 1);
    expect(refused({ type: 'send', clientId: tooLong, conversationId: 1, text: 'hi' })).toMatchObject({
      clientId: undefined,
    });
    expect(refused({ type: 'react', clientId: 'r1', messageId: 3, emoji: '', on: true })).toMatchObject({
      clientId: 'r1',
    });
    expect(refused({ type: 'read', clientId: 'c7', conversationId: 0, seq: 1 })).toMatchObject({ clientId: undefined });
  });
});
