import type { ErrorBody, ErrorCode } from '@chat/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An error meant for the client: its status, stable code and message go out as they are. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly extra: { fields?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'That') => new AppError(404, 'not_found', `${what} was not found.`);

function sendError(reply: FastifyReply, status: number, error: ErrorBody['error']): FastifyReply {
  return reply
    .status(status)
    .type('application/json')
    .send({ error } satisfies ErrorBody);
}

/** Fastify's own errors (body parsing, limits) mapped to our codes, so every error has the same shape. */
const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'Send the body as application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'bad_request', message: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'bad_request', message: 'The body is not valid JSON.' },
};

/** "/username" → "username"; a missing required property is reported on the property itself. */
function fieldOf(validation: NonNullable<FastifyError['validation']>[number]): string {
  const missing = (validation.params as { missingProperty?: string }).missingProperty;
  if (missing) return missing;
  return validation.instancePath.replace(/^\//, '').replaceAll('/', '.') || 'body';
}

/** Register before any route: Fastify gives each plugin the error handler in force when it is registered. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.extra.headers) reply.headers(error.extra.headers);
      return sendError(reply, error.status, { code: error.code, message: error.message, fields: error.extra.fields });
    }
    if (error.validation) {
      const fields: Record<string, string> = {};
      for (const item of error.validation) fields[fieldOf(item)] ??= `invalid_${item.keyword}`;
      const message = `Invalid ${error.validationContext ?? 'request'}: ${error.validation[0]?.message ?? 'see fields'}.`;
      return sendError(reply, 400, { code: 'validation_failed', message, fields });
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return sendError(reply, known.status, { code: known.code, message: known.message });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, { code: 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, { code: 'internal_error', message: 'Something went wrong on our side.' });
  });
}

/** Answers a request no route matched, or leaves it (undefined) to the JSON 404: the web client's pages. */
export type SpaFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;

export function registerNotFoundHandler(app: FastifyInstance, spaFallback: SpaFallback | undefined): void {
  app.setNotFoundHandler(
    (request, reply) =>
      spaFallback?.(request, reply) ??
      sendError(reply, 404, { code: 'not_found', message: `No route for ${request.method} ${request.url}.` }),
  );
}
