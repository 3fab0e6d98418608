import { describe, expect, it } from 'vitest';
import { hiddenPresence, maySeePresence, toVisibility } from './presence-visibility.ts';

describe('who sees a presence', () => {
  it.each([
    ['everyone', false, true],
    ['conversations', false, false],
    ['conversations', true, true],
    ['nobody', true, false],
    ['nobody', false, false],
  ] as const)('%s, sharing a conversation: %s → %s', (visibility, sharesConversation, seen) => {
    expect(maySeePresence({ visibility, isSelf: false, sharesConversation })).toBe(seen);
  });

  it('a user always sees their own', () => {
    expect(maySeePresence({ visibility: 'nobody', isSelf: true, sharesConversation: false })).toBe(true);
  });

  it('the hidden state says offline, never seen, at the version of the change', () => {
    expect(hiddenPresence(42)).toEqual({ online: false, lastSeenAt: null, version: 42 });
  });

  it('an unknown stored value is read as the most private', () => {
    expect(toVisibility('friends')).toBe('nobody');
    expect(toVisibility('conversations')).toBe('conversations');
  });
});
