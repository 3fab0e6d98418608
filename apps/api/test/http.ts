import { randomInt } from 'node:crypto';

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A browser-like HTTP client for tests: keeps its cookies, sends the app's Origin on every request
 * and comes from an address of its own (X-Forwarded-For, with TRUST_PROXY on), as users behind a
 * load balancer do, so per-address rate limits meet only the tests that aim at them.
 */
export class TestAgent {
  private readonly cookies = new Map<string, string>();
  readonly ip: string;

  constructor(
    private readonly baseUrl: string,
    private readonly origin: string | undefined,
    ip?: string,
  ) {
    this.ip = ip ?? `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    redirect: 'follow' | 'manual' = 'follow',
  ): Promise<HttpResult<T>> {
    const allHeaders: Record<string, string> = { 'x-forwarded-for': this.ip, ...headers };
    if (this.origin) allHeaders.origin = this.origin;
    if (this.cookies.size > 0) allHeaders.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) allHeaders['content-type'] ??= 'application/json';
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: allHeaders,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      const cleared = /max-age=0|expires=thu, 01 jan 1970/i.test(line);
      if (cleared) this.cookies.delete(name);
      else this.cookies.set(name, value.join('='));
    }
    const text = await response.text();
    const parsed = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get = <T = unknown>(path: string) => this.request<T>('GET', path);
  post = <T = unknown>(path: string, body?: unknown) => this.request<T>('POST', path, body);
  /** A top-level navigation that stops at a redirect, so the test sees where it points. */
  navigate = (path: string) => this.request('GET', path, undefined, {}, 'manual');

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Replaces a cookie as a tampering browser would. */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}
