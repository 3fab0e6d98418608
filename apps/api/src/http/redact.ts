import type { FastifyRequest } from 'fastify';

/**
 * Query parameters that carry a credential: WebSocket tickets, mailed verify/reset tokens, and the
 * names third-party clients and proxies commonly use. Their values never reach a log line.
 */
const SECRET_PARAMS =
  /^(ticket|token|access_token|refresh_token|id_token|password|secret|api_key|apikey|key|code|sig|signature)$/i;
export const REDACTED = '[redacted]';

/** A URL (absolute, or a path with a query) with the value of every secret-bearing query parameter replaced. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const fragmentStart = url.indexOf('#', queryStart);
  const end = fragmentStart === -1 ? url.length : fragmentStart;
  const pairs = url
    .slice(queryStart + 1, end)
    .split('&')
    .map((pair) => {
      const cut = pair.indexOf('=');
      const name = cut === -1 ? pair : pair.slice(0, cut);
      return cut !== -1 && SECRET_PARAMS.test(safeDecode(name)) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, queryStart)}?${pairs.join('&')}${url.slice(end)}`;
}

function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component.replaceAll('+', ' '));
  } catch {
    return component;
  }
}

/** Fastify's request log line, with secrets in the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
