import { describe, expect, it } from 'vitest';
import { emojiKey, emojiOfKey } from './reaction-key.ts';

describe('emoji keys', () => {
  it('tell apart emoji that MySQL collations confuse, and give each back as it was', () => {
    const emoji = ['👍', '😂', '👍🏽', '❤️', '❤', '👨‍👩‍👧', '🇫🇷'];
    expect(new Set(emoji.map(emojiKey)).size).toBe(emoji.length);
    expect(emoji.map((e) => emojiOfKey(emojiKey(e)))).toEqual(emoji);
    expect(emojiKey('👍🏽')).toBe('1f44d-1f3fd');
  });
});
