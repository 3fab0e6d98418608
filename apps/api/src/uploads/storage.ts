import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where picture bytes live, by key. The disk implementation is the default; an object store
 * (S3 and the like) can implement the same three calls.
 */
export interface BlobStorage {
  /** Stores bytes under a key; storing the same key again is harmless (keys are content hashes). */
  put(key: string, data: Buffer): Promise<void>;
  /** The bytes, or undefined when the key is unknown. */
  read(key: string): Promise<{ stream: Readable; size: number } | undefined>;
}

export function diskStorage(root: string): BlobStorage {
  const fileOf = (key: string) => path.join(root, key);
  return {
    async put(key, data) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      // Written aside and renamed, so a reader never sees half a file. The aside name is random: the
      // same picture uploaded twice at once must not share it (the second rename would find it gone).
      const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
      await writeFile(temporary, data);
      await rename(temporary, file);
    },
    async read(key) {
      const file = fileOf(key);
      const info = await stat(file).catch(() => undefined);
      return info ? { stream: createReadStream(file), size: info.size } : undefined;
    },
  };
}
