import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { diskStorage } from './storage.ts';

describe('diskStorage', () => {
  it('stores the same picture uploaded many times at once, each put succeeding', async () => {
    const storage = diskStorage(mkdtempSync(path.join(tmpdir(), 'blobs-')));
    const data = Buffer.from('the same bytes');
    await Promise.all(Array.from({ length: 20 }, () => storage.put('ab/cdef', data)));
    const stored = await storage.read('ab/cdef');
    expect(stored?.size).toBe(data.length);
    expect(stored && (await text(stored.stream))).toBe('the same bytes');
  });
});
