import type { Message } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import { Sequencer } from './sequencer.ts';
import { testMessage } from './test-message.ts';

const message = (conversationId: number, seq: number): Message =>
  testMessage({ id: conversationId * 1000 + seq, conversationId, seq });

function harness() {
  const delivered: string[] = [];
  const gaps: number[] = [];
  const sequencer = new Sequencer(
    (m) => delivered.push(`${m.conversationId}:${m.seq}`),
    (id) => gaps.push(id),
  );
  return { sequencer, delivered, gaps };
}

describe('Sequencer', () => {
  it('delivers each message once, in order, holding those after a gap until it fills', () => {
    const { sequencer, delivered, gaps } = harness();
    sequencer.advance(1, 2);
    for (const seq of [3, 5, 3, 6, 4, 5, 2, 7]) sequencer.push(message(1, seq));
    expect(delivered).toEqual(['1:3', '1:4', '1:5', '1:6', '1:7']);
    expect(gaps).toEqual([1, 1]);
    expect(sequencer.hasGap(1)).toBe(false);
  });

  it('keeps conversations apart and reports cursors', () => {
    const { sequencer, delivered } = harness();
    sequencer.push(message(1, 10));
    sequencer.push(message(2, 1));
    sequencer.push(message(1, 11));
    expect(delivered).toEqual(['1:10', '2:1', '1:11']);
    expect(sequencer.cursors()).toEqual([
      { conversationId: 1, seq: 11 },
      { conversationId: 2, seq: 1 },
    ]);
  });

  it('releases held messages when the app catches up by other means', () => {
    const { sequencer, delivered } = harness();
    sequencer.advance(1, 1);
    sequencer.push(message(1, 4));
    sequencer.advance(1, 3);
    expect(delivered).toEqual(['1:4']);
  });

  it('does not let an own message start a conversation, so a peer message it overtook still arrives', () => {
    const { sequencer, delivered, gaps } = harness();
    sequencer.pushOwn(message(1, 2));
    expect(delivered).toEqual([]);
    expect(gaps).toEqual([1]);
    sequencer.push(message(1, 1));
    expect(delivered).toEqual(['1:1', '1:2']);
    expect(sequencer.hasGap(1)).toBe(false);
  });

  it('starts from a held own message when the next peer message comes first, or fills the gap before it', () => {
    const { sequencer, delivered } = harness();
    sequencer.pushOwn(message(1, 5));
    sequencer.push(message(1, 6));
    expect(delivered).toEqual(['1:5', '1:6']);
    sequencer.pushOwn(message(2, 5));
    sequencer.push(message(2, 3));
    expect(delivered.slice(2)).toEqual(['2:3']);
    sequencer.push(message(2, 4));
    expect(delivered.slice(2)).toEqual(['2:3', '2:4', '2:5']);
  });

  it('delivers an own message once when a sync brings it back instead', () => {
    const { sequencer, delivered } = harness();
    sequencer.pushOwn(message(1, 7));
    sequencer.push(message(1, 7));
    sequencer.pushOwn(message(1, 8));
    expect(delivered).toEqual(['1:7', '1:8']);
    expect(sequencer.hasGap(1)).toBe(false);
  });

  it('starts a forgotten conversation afresh', () => {
    const { sequencer, delivered } = harness();
    sequencer.advance(1, 9);
    sequencer.forget(1);
    sequencer.push(message(1, 12));
    expect(delivered).toEqual(['1:12']);
  });
});
