import type { SearchHighlight } from '@chat/protocol';
import { normalize, segments } from '../chat/search-index/tokens.ts';

/** Characters of context shown before the first match, and the snippet's whole length at most. */
const CONTEXT_BEFORE = 30;
const SNIPPET_LENGTH = 140;
const ELLIPSIS = '…';

/**
 * Where the query's words and runs occur in a text, in the text's own UTF-16 positions: a word as
 * the start of a word ("meet" in "meeting"), a CJK run wherever it stands. Found the same way the
 * index was made (chat/search-index/tokens.ts), so what was found is what is marked.
 */
export function matchRanges(text: string, query: string): SearchHighlight[] {
  const normalized = normalize(text);
  const words = segments(normalized.text);
  const ranges: Array<[number, number]> = [];
  for (const term of segments(normalize(query).text)) {
    if (term.kind === 'word') {
      for (const word of words)
        if (word.kind === 'word' && word.text.startsWith(term.text))
          ranges.push([word.start, word.start + term.text.length]);
      continue;
    }
    for (let at = normalized.text.indexOf(term.text); at >= 0; at = normalized.text.indexOf(term.text, at + 1))
      ranges.push([at, at + term.text.length]);
  }
  return merge(ranges).map(([start, end]) => ({
    start: normalized.originStart[start] ?? 0,
    end: normalized.originEnd[end - 1] ?? text.length,
  }));
}

function merge(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

/** A cut at `index` that does not split a surrogate pair. */
const safeCut = (text: string, index: number) =>
  index > 0 && index < text.length && /[\uDC00-\uDFFF]/.test(text[index] ?? '') ? index - 1 : index;

/**
 * The part of a message shown in a result: from a little before the first match, at a space where
 * there is one near, with "…" where it was cut, line breaks as spaces; the highlights that fall in
 * it, moved to its positions.
 */
export function snippetOf(text: string, query: string): { snippet: string; highlights: SearchHighlight[] } {
  const ranges = matchRanges(text, query);
  const first = ranges[0]?.start ?? 0;
  let start = Math.max(0, first - CONTEXT_BEFORE);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < first) start = space + 1;
  }
  start = safeCut(text, start);
  const end = safeCut(text, Math.min(text.length, start + SNIPPET_LENGTH));
  const lead = start > 0 ? ELLIPSIS : '';
  const body = text.slice(start, end).replace(/[\r\n\t]/g, ' ');
  const shift = lead.length - start;
  const highlights = ranges
    .filter((range) => range.start >= start && range.end <= end)
    .map((range) => ({ start: range.start + shift, end: range.end + shift }));
  return { snippet: `${lead}${body}${end < text.length ? ELLIPSIS : ''}`, highlights };
}
