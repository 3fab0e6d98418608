import { describe, expect, it } from 'vitest';
import { badgeLabel, faviconHref, faviconSvg } from './favicon.ts';

describe('the favicon badge', () => {
  it('is the plain bubble with nothing unread', () => {
    expect(faviconSvg(0)).not.toContain('<circle');
  });

  it('carries the count, and 9+ past nine, which is all a tab icon can show', () => {
    expect(faviconSvg(3)).toMatch(/<circle[^>]*\/><text[^>]*>3<\/text>/);
    expect(badgeLabel(9)).toBe('9');
    expect(badgeLabel(10)).toBe('9+');
    expect(faviconSvg(250)).toContain('>9+</text>');
  });

  it('is an SVG data URL, which the CSP allows (img-src data:)', () => {
    const href = faviconHref(2);
    expect(href.startsWith('data:image/svg+xml,')).toBe(true);
    expect(decodeURIComponent(href.slice('data:image/svg+xml,'.length))).toBe(faviconSvg(2));
  });
});
