import { describe, expect, it } from 'vitest';
import { fts5Match, indexDocument, mysqlMatch, queryTerms } from './tokens.ts';

describe('indexDocument', () => {
  it('indexes words lower-cased and CJK runs as bigrams with the last character alone, after the scope', () => {
    expect(indexDocument(12, [3, 5], 'Hello 東京駅 ＡＢＣ')).toBe('cv12 vu3 vu5 xwhello q東京 q京駅 q駅q xwabc');
  });

  it('cuts a run where the script changes, and keeps one-letter words long enough to index', () => {
    expect(indexDocument(1, [1, 2], 'a 東京tower')).toBe('cv1 vu1 vu2 xwa q東京 q京q xwtower');
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
