import { describe, expect, it } from 'vitest';
import { splitLinks } from './links.ts';

describe('splitLinks', () => {
  it('finds URLs, bare domains and email addresses in text, keeping the text around them', () => {
    expect(splitLinks('see https://example.com/a?b=1, or example.org and mail bob@example.net.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', or ' },
      { kind: 'link', text: 'example.org', href: 'http://example.org' },
      { kind: 'text', text: ' and mail ' },
      { kind: 'link', text: 'bob@example.net', href: 'mailto:bob@example.net' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves text without links as it is', () => {
    expect(splitLinks('no links here, 3.14 is a number')).toEqual([
      { kind: 'text', text: 'no links here, 3.14 is a number' },
    ]);
  });

  it('never makes a link of a scheme other than http, https and mailto', () => {
    const parts = splitLinks('javascript:alert(1) ftp://example.com/file data:text/html,<b>x</b>');
    expect(parts.filter((part) => part.kind === 'link').map((part) => part.href)).toEqual([]);
  });
});
