/** The rules of changing a message, shared so that clients can offer only what the server allows. */
export const MESSAGE_CHANGES = {
  /** How long after sending a message its sender may edit or delete it, unless the server says otherwise (`EDIT_WINDOW_MS`). */
  defaultEditWindowMs: 24 * 60 * 60 * 1000,
  /** Characters of the quoted text a reply carries: enough for a line in the quote, not the whole message. */
  quoteLength: 120,
  /** Longest reaction, in UTF-16 code units: the longest RGI emoji sequences (families, flags of regions) fit. */
  maxEmojiLength: 32,
  /**
   * Edits, deletes and reactions per user per second on one node, and the burst on top (a few
   * reactions in a row, a quick fix after a typo). Past it a change is refused with `rate_limited`.
   */
  changesPerSecond: 5,
  changeBurst: 20,
} as const;

/**
 * Fully qualified emoji sequences (flags, keycaps, skin tones, families), where the runtime knows
 * them (Node 20, current browsers); a bare pictograph such as "❤" without its variation selector,
 * which many keyboards send, is accepted too.
 */
const RGI_EMOJI = (() => {
  try {
    // biome-ignore lint/complexity/useRegexLiterals: a literal with the v flag needs an ES2024 target.
    return new RegExp('^\\p{RGI_Emoji}$', 'v');
  } catch {
    return undefined;
  }
})();
const PICTOGRAPH = /^\p{Extended_Pictographic}\uFE0F?$/u;

/** True when `text` is exactly one emoji: one grapheme cluster, and a pictograph or an RGI emoji sequence. */
export function isSingleEmoji(text: string): boolean {
  if (text.length === 0 || text.length > MESSAGE_CHANGES.maxEmojiLength) return false;
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)];
  if (graphemes.length !== 1) return false;
  return (RGI_EMOJI?.test(text) ?? false) || PICTOGRAPH.test(text);
}
