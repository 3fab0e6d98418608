import { describe, expect, it } from 'vitest';
import { isSingleEmoji } from './message-changes.ts';

describe('isSingleEmoji', () => {
  it.each(['👍', '❤️', '❤', '1️⃣', '🇫🇷', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈'])('takes %s as one emoji', (emoji) => {
    expect(isSingleEmoji(emoji)).toBe(true);
  });

  it.each(['', 'a', 'ok', '👍👍', '👍 ', '1', '<b>', '\u200d', 'é'])('refuses %j', (text) => {
    expect(isSingleEmoji(text)).toBe(false);
  });
});
