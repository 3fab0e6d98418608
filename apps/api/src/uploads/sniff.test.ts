import { describe, expect, it } from 'vitest';
import { sniffImageType } from './sniff.ts';

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)));

describe('sniffImageType', () => {
  it.each([
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    [bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    [bytes('GIF89a'), 'image/gif'],
    [bytes('GIF87a'), 'image/gif'],
    [bytes('RIFF', [1, 2, 3, 4], 'WEBP'), 'image/webp'],
  ])('recognises %s as %s', (header, type) => {
    expect(sniffImageType(header)).toBe(type);
  });

  it.each([
    ['an SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['text', bytes('hello, I am a .png')],
    ['a RIFF that is not WebP', bytes('RIFF', [1, 2, 3, 4], 'WAVE')],
    ['nothing', bytes()],
    ['a truncated PNG signature', bytes([0x89], 'PNG')],
  ])('refuses %s', (_, header) => {
    expect(sniffImageType(header)).toBeUndefined();
  });
});
