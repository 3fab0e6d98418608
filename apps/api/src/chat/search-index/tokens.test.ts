import { describe, expect, it } from 'vitest';
import { fts5Match, indexDocument, mysqlMatch, queryTerms, scopeTerms } from './tokens.ts';

describe('indexDocument', () => {
  it('indexes words lower-cased and CJK runs as bigrams with the last character alone, once per member', () => {
    expect(indexDocument(12, [3, 5], 'Hello 東京駅 ＡＢＣ')).toBe(
      'cv12 u3xwhello u3q東京 u3q京駅 u3q駅q u3xwabc u5xwhello u5q東京 u5q京駅 u5q駅q u5xwabc',
    );
  });

  it('cuts a run where the script changes, and keeps one-letter words long enough to index', () => {
    expect(indexDocument(1, [1, 2], 'a 東京tower')).toBe(
      'cv1 u1xwa u1q東京 u1q京q u1xwtower u2xwa u2q東京 u2q京q u2xwtower',
    );
  });

  it('cuts a word so that a token stays within what InnoDB indexes, whatever the member id', () => {
    const longest = indexDocument(1, [999_999_999_999_999], 'x'.repeat(200)).split(' ')[1] as string;
    expect([...longest].length).toBeLessThanOrEqual(84);
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
    expect(mysqlMatch(terms)).toBe('+xwone* +xwtwo* +xwthree* +q東京 +q京駅');
    expect(fts5Match(terms)).toBe('"xwone"* AND "xwtwo"* AND "xwthree"* AND "q東京 q京駅"');
  });
});

describe('scopeTerms', () => {
  it("asks for the searcher's own tokens, and the conversation when one is given", () => {
    const terms = scopeTerms(queryTerms('meet 東京駅'), 7, 42);
    expect(mysqlMatch(terms)).toBe('+u7xwmeet* +u7q東京 +u7q京駅 +cv42');
    expect(fts5Match(scopeTerms(queryTerms('東京'), 7))).toBe('"u7q東京"');
  });
});
