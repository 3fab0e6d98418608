/**
 * The one tokenizer of message search, for both databases: the text is cut into tokens here and the
 * database only indexes space-separated tokens (MySQL/MariaDB FULLTEXT with the built-in parser,
 * SQLite FTS5 with unicode61). MariaDB has no ngram parser, and MySQL's built-in parser sees a
 * Chinese or Japanese sentence as one long word, so Chinese, Japanese and Korean runs are indexed
 * as overlapping bigrams, which we make ourselves; both backends then find exactly the same
 * messages for a query.
 *
 * Every token carries a marker, so that it is at least 3 characters long (InnoDB's default
 * `innodb_ft_min_token_size`, which we cannot rely on changing) and never one of InnoDB's stopwords
 * ("the", "www"), and so that the kinds cannot collide:
 *   - `xw` + a word, lower-cased (NFKC): `xwhello`; queried as a prefix, so "meet" finds "meeting";
 *   - `q` + two adjacent CJK characters: `q東京`; a run of n ≥ 3 characters is queried as the
 *     phrase of its n − 1 bigrams, 2 as its bigram; the last character of a run also gets `q` + it
 *     + `q` (`q駅q`), so that one character is found as the prefix `q駅*` wherever it stands.
 *
 * Each of those is indexed once per member of the conversation and within the span of ids the
 * message falls in: `u17s15xwhello` is "hello" for member 17 in span 15 (messages 983,040 to
 * 1,048,575). Both databases read a term's whole list of messages before intersecting, and InnoDB
 * cannot stop early at the newest: with a plain `xwhello` beside a "member 17" token, a common word
 * read half a million messages to find one user's (180 ms at a million messages) and a three-letter
 * start expanded into every word of the index (500 ms). Behind the member, a term lists only that
 * user's messages and a start expands only into their words, for twice the index; within a span, a
 * search reads the newest span first and goes back only as far as it needs (search/search.ts), so a
 * common word costs one span's worth of the user's messages and a rare one a few short lists.
 * `c42s15` is the message's conversation in its span, for a search within one conversation. Ids
 * and spans end in digits and every next part starts with a letter, so `u1s…` never matches `u17s…`.
 */

/**
 * InnoDB ignores tokens longer than 84 characters (`innodb_ft_max_token_size`): a word is cut so that
 * the member's id and the span (up to 15 and 11 digits, from ids we hand out) and the markers fit beside it.
 */
const MAX_WORD_LENGTH = 54;

/** Messages per span: at a million messages, 16 spans; a user's share of one is what a common word costs. */
export const SPAN_MESSAGES = 65_536;

/** The span a message is indexed in. */
export const spanOf = (messageId: number) => Math.floor(messageId / SPAN_MESSAGES);

/** Spans, newest to oldest, both included. */
export interface SpanRange {
  newest: number;
  oldest: number;
}

const WORD_CHARS = /[\p{L}\p{N}]+/gu;
const WORD_CHARS_ONCE = /[\p{L}\p{N}]/u;
/** Scripts written without spaces between words, plus the Japanese prolonged-sound and iteration marks. */
const CJK_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}ー々〆]/u;

export interface Segment {
  kind: 'word' | 'cjk';
  /** Normalized. */
  text: string;
  /** Where it stands in the normalized text, in UTF-16 units. */
  start: number;
}

/** A text in the form tokens are made of, with where each of its UTF-16 units came from in the original. */
export interface Normalized {
  text: string;
  originStart: number[];
  originEnd: number[];
}

/** Plain ASCII needs no NFKC: the common case is folded in one call instead of per code point. */
const ASCII = /^\p{ASCII}*$/u;

/** The text tokens are made of: NFKC and lower case, code point by code point (so `normalize` maps it back). */
export function fold(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase();
  let out = '';
  for (const char of text) out += char.normalize('NFKC').toLowerCase();
  return out;
}

/**
 * `fold`, with where each unit came from in the original (for highlights): full-width "ＡＢＣ" is
 * "abc", half-width "ｶﾀｶﾅ" is "カタカナ".
 */
export function normalize(text: string): Normalized {
  let out = '';
  const originStart: number[] = [];
  const originEnd: number[] = [];
  let at = 0;
  for (const char of text) {
    const folded = fold(char);
    out += folded;
    for (let i = 0; i < folded.length; i++) {
      originStart.push(at);
      originEnd.push(at + char.length);
    }
    at += char.length;
  }
  return { text: out, originStart, originEnd };
}

/** Words and CJK runs of a folded text, in order. */
export function segments(folded: string): Segment[] {
  const found: Segment[] = [];
  for (const match of folded.matchAll(WORD_CHARS)) {
    if (!CJK_CHAR.test(match[0])) {
      found.push({ kind: 'word', text: match[0], start: match.index });
      continue;
    }
    let start = match.index;
    let kind: Segment['kind'] | undefined;
    let text = '';
    for (const char of match[0]) {
      const charKind = CJK_CHAR.test(char) ? 'cjk' : 'word';
      if (kind !== undefined && charKind !== kind) {
        found.push({ kind, text, start });
        start += text.length;
        text = '';
      }
      kind = charKind;
      text += char;
    }
    if (kind !== undefined) found.push({ kind, text, start });
  }
  return found;
}

const wordToken = (word: string) =>
  `xw${word.length <= MAX_WORD_LENGTH ? word : [...word].slice(0, MAX_WORD_LENGTH).join('')}`;
const bigramTokens = (chars: readonly string[]) => chars.slice(0, -1).map((char, i) => `q${char}${chars[i + 1]}`);

/** The tokens a message's text is indexed by, apart from its scope. */
function textTokens(text: string): string[] {
  return segments(fold(text)).flatMap((segment) => {
    if (segment.kind === 'word') return [wordToken(segment.text)];
    const chars = [...segment.text];
    return [...bigramTokens(chars), `q${chars.at(-1)}q`];
  });
}

/** False for a text with no word or character to find it by (empty, or only punctuation and emoji). */
export const isSearchable = (text: string) => WORD_CHARS_ONCE.test(fold(text));

const scopedToken = (memberId: number, span: number, token: string) => `u${memberId}s${span}${token}`;
const conversationToken = (conversationId: number, span: number) => `c${conversationId}s${span}`;

/**
 * What goes in the index for one message: its conversation in its span, then its text's tokens once
 * per member, in order (SQLite matches a CJK phrase by its bigrams standing side by side), separated
 * by spaces.
 */
export function indexDocument(
  messageId: number,
  conversationId: number,
  memberIds: readonly number[],
  text: string,
): string {
  const tokens = textTokens(text);
  const span = spanOf(messageId);
  return [
    conversationToken(conversationId, span),
    ...memberIds.flatMap((id) => tokens.map((token) => scopedToken(id, span, token))),
  ].join(' ');
}

/** One condition of a query, all of which must hold. */
export type QueryTerm =
  | { kind: 'prefix'; token: string }
  | { kind: 'exact'; token: string }
  | { kind: 'phrase'; tokens: string[] };

/** What the user typed, as conditions on the index; empty when it holds nothing searchable. */
export function queryTerms(query: string): QueryTerm[] {
  return segments(fold(query)).map((segment): QueryTerm => {
    if (segment.kind === 'word') return { kind: 'prefix', token: wordToken(segment.text) };
    const chars = [...segment.text];
    if (chars.length === 1) return { kind: 'prefix', token: `q${chars[0]}` };
    const bigrams = bigramTokens(chars);
    return bigrams.length === 1 ? { kind: 'exact', token: bigrams[0] as string } : { kind: 'phrase', tokens: bigrams };
  });
}

/** Where one user's search looks: their own entries, in these spans, in one conversation if given. */
export interface SearchScope {
  userId: number;
  spans: SpanRange;
  conversationId?: number;
}

/** One per span, newest first. */
function perSpan<T>(spans: SpanRange, make: (span: number) => T): T[] {
  const found: T[] = [];
  for (let span = spans.newest; span >= spans.oldest; span--) found.push(make(span));
  return found;
}

/** Each condition as what it may match, one token (or phrase) per span, plus the conversation's token. */
function scopedTerms(terms: readonly QueryTerm[], scope: SearchScope) {
  const { userId, spans, conversationId } = scope;
  const scoped = terms.map((term) => ({
    kind: term.kind,
    each: perSpan(spans, (span) =>
      (term.kind === 'phrase' ? term.tokens : [term.token]).map((token) => scopedToken(userId, span, token)),
    ),
  }));
  if (conversationId === undefined) return scoped;
  return [
    ...scoped,
    { kind: 'exact' as const, each: perSpan(spans, (span) => [conversationToken(conversationId, span)]) },
  ];
}

/**
 * MySQL/MariaDB boolean mode: every term required (`+`), in any of the spans. A phrase's bigrams are
 * required one by one: InnoDB checks a phrase by re-reading every candidate's text, which took over
 * a second on a million messages; that they stand together is checked on the few rows found
 * (`standsAsWritten`). A message's tokens all carry its own span, so "each bigram in some span" is
 * "all of them in its span". Tokens are letters and digits only, so no operator can be smuggled in.
 */
export function mysqlMatch(terms: readonly QueryTerm[], scope: SearchScope): string {
  return scopedTerms(terms, scope)
    .flatMap(({ kind, each }) => {
      const star = kind === 'prefix' ? '*' : '';
      return (each[0] ?? []).map((_, i) => `+(${each.map((tokens) => `${tokens[i]}${star}`).join(' ')})`);
    })
    .join(' ');
}

/** True when every CJK run of the query stands in the text as written (what a phrase asks). */
export function standsAsWritten(text: string, query: string): boolean {
  const folded = fold(text);
  return segments(fold(query)).every((segment) => segment.kind === 'word' || folded.includes(segment.text));
}

/** SQLite FTS5: every term in any of the spans, each token quoted so that none is read as an operator or column. */
export function fts5Match(terms: readonly QueryTerm[], scope: SearchScope): string {
  return scopedTerms(terms, scope)
    .map(({ kind, each }) => {
      const star = kind === 'prefix' ? '*' : '';
      return `(${each.map((tokens) => `"${tokens.join(' ')}"${star}`).join(' OR ')})`;
    })
    .join(' AND ');
}
