import { find } from 'linkifyjs';

/** A run of message text: plain, or a link to open. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** Only these open from a message: no `javascript:`, `data:` or anything a page could abuse. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

function isSafe(href: string): boolean {
  try {
    return SAFE_PROTOCOLS.has(new URL(href).protocol);
  } catch {
    return false;
  }
}

/**
 * Splits text into plain runs and links (URLs, bare domains and email addresses, found by
 * linkifyjs, a well-kept linkifier that knows the top-level domains). Text is never turned into
 * HTML: links are rendered as elements, so nothing in a message can inject markup.
 */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const link of find(text)) {
    if (!isSafe(link.href)) continue;
    if (link.start > at) parts.push({ kind: 'text', text: text.slice(at, link.start) });
    parts.push({ kind: 'link', text: link.value, href: link.href });
    at = link.end;
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) });
  return parts;
}
