import type { Message } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import { deleted, edited, MessageStates, reacted } from './message-states.ts';
import { testMessage } from './test-message.ts';

const base: Message = testMessage({ id: 9, seq: 3, clientId: 'c', text: 'helo' });

describe('optimistic states', () => {
  it('edit, delete and reactions look as the server will make them', () => {
    expect(edited(base, 'hello', 5)).toMatchObject({ text: 'hello', editedAt: 5 });
    const liked = reacted(reacted(base, 1, '👍', true), 2, '👍', true);
    expect(liked.reactions).toEqual([{ emoji: '👍', count: 2, userIds: [1, 2] }]);
    expect(reacted(liked, 1, '👍', false).reactions).toEqual([{ emoji: '👍', count: 1, userIds: [2] }]);
    expect(reacted(liked, 1, '👍', true).reactions).toEqual([{ emoji: '👍', count: 2, userIds: [2, 1] }]);
    expect(deleted(liked, 6)).toMatchObject({ text: '', reactions: [], deletedAt: 6 });
  });
});

describe('MessageStates', () => {
  it('shows a change at once, the server state once answered, and rolls back a refused one', () => {
    const shown: string[] = [];
    const states = new MessageStates((m) => shown.push(`${m.text}@${m.changeSeq}`));
    states.propose('e1', base, (m) => edited(m, 'hello', 5));
    // Meanwhile the peer reacts: the pending edit stays laid over the newer server state.
    states.confirm({ ...base, changeSeq: 1, reactions: [{ emoji: '👍', count: 1, userIds: [2] }] });
    states.settle('e1');
    expect(shown).toEqual(['hello@0', 'hello@1', 'helo@1']);
  });

  it('keeps the state with the larger changeSeq, whatever order they come in', () => {
    const shown: string[] = [];
    const states = new MessageStates((m) => shown.push(m.text));
    states.confirm({ ...base, text: 'third', changeSeq: 3 });
    states.confirm({ ...base, text: 'second', changeSeq: 2 });
    states.note({ ...base, text: 'fourth', changeSeq: 4 });
    states.confirm({ ...base, text: 'third', changeSeq: 3 });
    expect(shown).toEqual(['third']);
    expect(states.view(base.id)?.text).toBe('fourth');
  });
});
