import type { Attachment } from '@chat/protocol';
import { describe, expect, it } from 'vitest';
import { messagePreview, pictureBox } from './pictures.ts';

const attachment: Attachment = { id: 'a1', contentType: 'image/png', width: 800, height: 600, size: 1234 };

describe('pictures', () => {
  it('fits a large picture in its box at its aspect ratio', () => {
    expect(pictureBox(4000, 3000)).toEqual({ width: 280, height: 210 });
    expect(pictureBox(600, 1200)).toEqual({ width: 140, height: 280 });
  });

  it('keeps a middling picture at its size and enlarges a tiny one to something one can tap', () => {
    expect(pictureBox(200, 100)).toEqual({ width: 200, height: 100 });
    expect(pictureBox(4, 4)).toEqual({ width: 120, height: 120 });
    // A sliver never collapses to nothing.
    expect(pictureBox(1, 5000)).toEqual({ width: 1, height: 280 });
  });

  it('previews a picture by its caption, or as a picture', () => {
    expect(messagePreview({ text: '', attachment })).toBe('📷 Picture');
    expect(messagePreview({ text: 'The harbour', attachment })).toBe('📷 The harbour');
    expect(messagePreview({ text: '', attachment: null, deletedAt: 5 })).toBe('This message was deleted');
    expect(messagePreview({ text: 'Hello', attachment: null })).toBe('Hello');
  });
});
