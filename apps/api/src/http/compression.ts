import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/**
 * Below this an answer is sent as it is: the CPU and the encoding headers cost more than the bytes
 * saved, and most API answers (acks, counts, a page of ten users) are smaller.
 */
const COMPRESS_THRESHOLD_BYTES = 1024;

/**
 * Compresses answers over the threshold in the encoding the client prefers (brotli, then gzip), with
 * `Vary: Accept-Encoding`. The web client's files are compressed once at build time and served as
 * they are (web/static.ts); compressed request bodies are refused rather than inflated, so that
 * the body limit keeps meaning what it says.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    threshold: COMPRESS_THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
    globalDecompression: false,
  });
}
