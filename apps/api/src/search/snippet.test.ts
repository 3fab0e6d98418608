import { describe, expect, it } from 'vitest';
import { snippetOf } from './snippet.ts';

describe('snippetOf', () => {
  it('marks the matched start of each word in the original text', () => {
    expect(snippetOf('Meeting at the MEETUP', 'meet')).toEqual({
      snippet: 'Meeting at the MEETUP',
      highlights: [
        { start: 0, end: 4 },
        { start: 15, end: 19 },
      ],
    });
  });

  it('marks CJK runs by their original positions, also through full-width forms', () => {
    expect(snippetOf('明日、東京駅で会いましょう', '東京')).toEqual({
      snippet: '明日、東京駅で会いましょう',
      highlights: [{ start: 3, end: 5 }],
    });
    expect(snippetOf('ＴＯＫＹＯ!', 'tokyo').highlights).toEqual([{ start: 0, end: 5 }]);
  });

  it('starts a little before a late match at a space, with ellipses where it was cut', () => {
    const text = `${'word '.repeat(40)}needle ${'tail '.repeat(40)}`;
    const { snippet, highlights } = snippetOf(text, 'needle');
    expect(snippet.startsWith('…word')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    const [first] = highlights;
    expect(first && snippet.slice(first.start, first.end)).toBe('needle');
  });
});
