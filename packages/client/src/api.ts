import type {
  AcceptedResponse,
  AvailabilityResponse,
  ConversationListResponse,
  ConversationResponse,
  DirectoryResponse,
  ErrorBody,
  HistoryResponse,
  SearchQuery,
  SearchResponse,
  SettingsBody,
  SignupBody,
  UnreadResponse,
  UploadResponse,
  UserResponse,
  WsTicketResponse,
} from '@chat/protocol';

/** An answer in the shared error shape: `code` is stable, `message` can be shown to people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ChatApiOptions {
  /** Where the server is, e.g. http://localhost:3000; empty in a browser on the same origin. */
  baseUrl?: string;
  /** A bearer token from `login({ issueToken: true })`, for clients that are not browsers. */
  token?: string;
  fetch?: typeof fetch;
  /** Extra headers on every request (a test sets X-Forwarded-For with it). */
  headers?: Record<string, string>;
}

type Query = Record<string, string | number | undefined>;

/** Typed calls to the REST API. Browsers authenticate with the session cookie, other clients with a bearer token. */
export class ChatApi {
  readonly baseUrl: string;
  token: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly headers: Record<string, string>;

  constructor(options: ChatApiOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.token = options.token;
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.headers = options.headers ?? {};
  }

  async request<T>(method: string, path: string, options: { body?: unknown; query?: Query } = {}): Promise<T> {
    const url = new URL(
      this.baseUrl + path,
      this.baseUrl || (globalThis as { location?: { origin: string } }).location?.origin,
    );
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { ...this.headers };
    const isForm = typeof FormData !== 'undefined' && options.body instanceof FormData;
    if (options.body !== undefined && !isForm) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await this.fetchImpl(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : isForm ? (options.body as FormData) : JSON.stringify(options.body),
      credentials: 'same-origin',
    });
    if (response.status === 204) return undefined as T;
    const body = (await response.json().catch(() => undefined)) as unknown;
    if (!response.ok) {
      const error = (body as ErrorBody | undefined)?.error;
      const retryAfter = response.headers.get('retry-after');
      throw new ApiError(
        response.status,
        error?.code ?? 'http_error',
        error?.message ?? `HTTP ${response.status}`,
        error?.fields,
        retryAfter ? Number(retryAfter) : undefined,
      );
    }
    return body as T;
  }

  availability = (query: { username?: string; email?: string }) =>
    this.request<AvailabilityResponse>('GET', '/api/auth/availability', { query });
  signup = (body: SignupBody) => this.request<UserResponse>('POST', '/api/auth/signup', { body });
  verify = (token: string) => this.request<UserResponse>('POST', '/api/auth/verify', { body: { token } });
  resendVerification = () => this.request<AcceptedResponse>('POST', '/api/auth/verify/resend');

  /** With `issueToken`, the answer carries a bearer token, which this client then uses. */
  async login(login: string, password: string, options: { issueToken?: boolean } = {}): Promise<UserResponse> {
    const response = await this.request<UserResponse>('POST', '/api/auth/login', {
      body: { login, password, ...(options.issueToken ? { issueToken: true } : {}) },
    });
    if (response.token) this.token = response.token;
    return response;
  }

  logout = () => this.request<void>('POST', '/api/auth/logout');
  logoutAll = () => this.request<void>('POST', '/api/auth/logout-all');
  me = () => this.request<UserResponse>('GET', '/api/auth/me');
  forgotPassword = (email: string) =>
    this.request<AcceptedResponse>('POST', '/api/auth/password/forgot', { body: { email } });
  resetPassword = (token: string, password: string) =>
    this.request<UserResponse>('POST', '/api/auth/password/reset', { body: { token, password } });
  updateSettings = (settings: SettingsBody) =>
    this.request<UserResponse>('PATCH', '/api/me/settings', { body: settings });

  directory = (query: { query?: string; cursor?: string; limit?: number } = {}) =>
    this.request<DirectoryResponse>('GET', '/api/users', { query });
  conversations = () => this.request<ConversationListResponse>('GET', '/api/conversations');
  conversation = (id: number) => this.request<ConversationResponse>('GET', `/api/conversations/${id}`);
  openConversation = (userId: number) =>
    this.request<ConversationResponse>('POST', '/api/conversations', { body: { userId } });
  history = (id: number, query: { before?: number; after?: number; limit?: number } = {}) =>
    this.request<HistoryResponse>('GET', `/api/conversations/${id}/messages`, { query });
  markRead = (id: number, seq: number) =>
    this.request<UnreadResponse>('POST', `/api/conversations/${id}/read`, { body: { seq } });
  deleteConversation = (id: number) => this.request<UnreadResponse>('DELETE', `/api/conversations/${id}`);
  search = (query: SearchQuery) => this.request<SearchResponse>('GET', '/api/search', { query });
  wsTicket = () => this.request<WsTicketResponse>('POST', '/api/ws-ticket');

  /** Uploads a picture (multipart); send the returned attachment's id with a message. */
  upload(file: Blob, filename = 'picture'): Promise<UploadResponse> {
    const form = new FormData();
    form.append('file', file, filename);
    return this.request<UploadResponse>('POST', '/api/uploads', { body: form });
  }
}
