import { describe, expect, it } from 'vitest';
import { type Change, checkChange, type Target } from './rules.ts';

const WINDOW = 1000;
const mine: Target = { senderId: 1, createdAt: 10_000, deleted: false, hasAttachment: false };
const codeOf = (change: Change, target: Target = mine, userId = 1, now = 10_500) => {
  try {
    checkChange(change, target, userId, now, WINDOW);
    return 'allowed';
  } catch (error) {
    return (error as { code: string }).code;
  }
};
const edit: Change = { kind: 'edit', messageId: 5, text: 'fixed' };
const remove: Change = { kind: 'delete', messageId: 5 };
const react: Change = { kind: 'react', messageId: 5, emoji: '👍', on: true };

describe('checkChange', () => {
  it('lets the sender edit and delete within the window, and anyone in the conversation react', () => {
    expect([codeOf(edit), codeOf(remove), codeOf(react), codeOf(react, mine, 2, 99_999)]).toEqual([
      'allowed',
      'allowed',
      'allowed',
      'allowed',
    ]);
  });

  it('refuses edits and deletes of messages of others, and past the window', () => {
    expect([codeOf(edit, mine, 2), codeOf(remove, mine, 2)]).toEqual(['not_own_message', 'not_own_message']);
    expect([codeOf(edit, mine, 1, 11_001), codeOf(remove, mine, 1, 11_001)]).toEqual([
      'edit_window_passed',
      'edit_window_passed',
    ]);
  });

  it('takes a repeated delete as done, and refuses anything else on a deleted message', () => {
    const deleted = { ...mine, deleted: true };
    expect([codeOf(remove, deleted, 1, 99_999), codeOf(edit, deleted), codeOf(react, deleted)]).toEqual([
      'allowed',
      'message_deleted',
      'message_deleted',
    ]);
  });

  it('refuses an empty edit unless a picture remains, and a reaction that is not one emoji', () => {
    const blank: Change = { ...edit, text: '  ' };
    expect([codeOf(blank), codeOf(blank, { ...mine, hasAttachment: true })]).toEqual(['empty_message', 'allowed']);
    expect(codeOf({ ...react, emoji: 'ok' })).toBe('invalid_reaction');
  });
});
