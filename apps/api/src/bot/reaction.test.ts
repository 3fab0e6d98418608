import { isSingleEmoji } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import { reactionTo } from './reaction.ts';

describe('the robot’s reactions', () => {
  it('react to thanks and goodbyes with one valid emoji, and to little else', () => {
    expect([reactionTo('Thanks a lot!'), reactionTo('bye now'), reactionTo('what time is it?')]).toEqual([
      '❤️',
      '👋',
      undefined,
    ]);
    expect(isSingleEmoji(reactionTo('thank you') ?? '')).toBe(true);
  });
});
