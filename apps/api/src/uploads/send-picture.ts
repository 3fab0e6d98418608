import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * Answers with stored picture bytes, never to be read as anything else: no sniffing, a sandbox if
 * opened on its own. Content never changes under its name, so it is cached for ever; privately,
 * since only some people may see it.
 */
export function sendPicture(
  reply: FastifyReply,
  blob: { stream: Readable; size: number },
  contentType: string,
): FastifyReply {
  return reply
    .header('content-type', contentType)
    .header('content-length', blob.size)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-disposition', 'inline')
    .header('cache-control', 'private, max-age=31536000, immutable')
    .send(blob.stream);
}
