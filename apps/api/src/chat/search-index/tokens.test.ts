import { describe, expect, it } from 'vitest';
import { fts5Match, indexDocument, mysqlMatch, queryTerms, SPAN_MESSAGES } from './tokens.ts';

describe('indexDocument', () => {
  it('indexes words lower-cased and CJK runs as bigrams with the last character alone, per member, in its span', () => {
    expect(indexDocument(12, 4, [3, 5], 'Hello 東京駅 ＡＢＣ')).toBe(
      'c4s0 u3s0xwhello u3s0q東京 u3s0q京駅 u3s0q駅q u3s0xwabc u5s0xwhello u5s0q東京 u5s0q京駅 u5s0q駅q u5s0xwabc',
    );
  });

  it('cuts a run where the script changes, and keeps one-letter words long enough to index', () => {
    expect(indexDocument(SPAN_MESSAGES * 2 + 1, 9, [1, 2], 'a 東京tower')).toBe(
      'c9s2 u1s2xwa u1s2q東京 u1s2q京q u1s2xwtower u2s2xwa u2s2q東京 u2s2q京q u2s2xwtower',
    );
  });

  it('cuts a word so that a token stays within what InnoDB indexes, whatever the ids', () => {
    const largest = 999_999_999_999_999;
    const [, token] = indexDocument(largest, largest, [largest], 'x'.repeat(200)).split(' ');
    expect([...(token as string)].length).toBe(84);
  });
});

describe('queryTerms', () => {
  it('asks for words as prefixes, two CJK characters as their bigram, longer runs as a phrase', () => {
    expect(queryTerms('Meet 東京 東京駅')).toEqual([
      { kind: 'prefix', token: 'xwmeet' },
      { kind: 'exact', token: 'q東京' },
      { kind: 'phrase', tokens: ['q東京', 'q京駅'] },
    ]);
  });

  it('finds a single CJK character wherever it stands, as a prefix of the bigrams and the run-end token', () => {
    expect(queryTerms('駅')).toEqual([{ kind: 'prefix', token: 'q駅' }]);
  });

  it('holds nothing for punctuation alone, and nothing of operators for either database', () => {
    expect(queryTerms(' ?!* "" ')).toEqual([]);
    const terms = queryTerms('+one -"two" (three*) 東京駅');
    const scope = { userId: 7, spans: { newest: 3, oldest: 3 } };
    expect(mysqlMatch(terms, scope)).toBe('+(u7s3xwone*) +(u7s3xwtwo*) +(u7s3xwthree*) +(u7s3q東京) +(u7s3q京駅)');
    expect(fts5Match(terms, scope)).toBe(
      '("u7s3xwone"*) AND ("u7s3xwtwo"*) AND ("u7s3xwthree"*) AND ("u7s3q東京 u7s3q京駅")',
    );
  });
});

describe('a search over several spans', () => {
  it("asks for the searcher's own tokens in any of the spans, newest first, and the conversation's", () => {
    const scope = { userId: 7, spans: { newest: 5, oldest: 4 }, conversationId: 42 };
    expect(mysqlMatch(queryTerms('meet 東京駅'), scope)).toBe(
      '+(u7s5xwmeet* u7s4xwmeet*) +(u7s5q東京 u7s4q東京) +(u7s5q京駅 u7s4q京駅) +(c42s5 c42s4)',
    );
    expect(fts5Match(queryTerms('meet 東京駅'), scope)).toBe(
      '("u7s5xwmeet"* OR "u7s4xwmeet"*) AND ("u7s5q東京 u7s5q京駅" OR "u7s4q東京 u7s4q京駅") AND ("c42s5" OR "c42s4")',
    );
  });
});
