/**
 * The tab's icon: the chat bubble of index.html, with a red badge carrying the unread count when
 * there is one. An SVG data URL, which the CSP's `img-src data:` allows (no canvas, no file).
 */

const BUBBLE =
  "<path fill='#2456d3' d='M4 6a4 4 0 0 1 4-4h16a4 4 0 0 1 4 4v13a4 4 0 0 1-4 4H13l-7 6v-6H8a4 4 0 0 1-4-4z'/>";

/** Two characters are all a 16-pixel icon can show legibly. */
export const badgeLabel = (count: number): string => (count > 9 ? '9+' : String(count));

export function faviconSvg(count: number): string {
  const badge =
    count > 0
      ? "<circle cx='22' cy='10' r='10' fill='#d93025' stroke='#fff' stroke-width='2'/>" +
        `<text x='22' y='14.5' font-family='Arial,sans-serif' font-size='${count > 9 ? 11 : 13}' font-weight='700' fill='#fff' text-anchor='middle'>${badgeLabel(count)}</text>`
      : '';
  return `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'>${BUBBLE}${badge}</svg>`;
}

export const faviconHref = (count: number): string => `data:image/svg+xml,${encodeURIComponent(faviconSvg(count))}`;

/** Points the page's icon link at the icon for `count`, adding the link when the page has none. */
export function showFavicon(count: number): void {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  link.href = faviconHref(count);
}
