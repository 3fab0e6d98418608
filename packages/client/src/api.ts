import type {
  AcceptedResponse,
  AvailabilityResponse,
  BlockListResponse,
  BlockStateResponse,
  ChangeEmailBody,
  ChangePasswordBody,
  ConversationListResponse,
  ConversationResponse,
  DirectoryResponse,
  EndedSessionsResponse,
  ErrorBody,
  HistoryResponse,
  LinkedIdentitiesResponse,
  LoginResponse,
  MuteResponse,
  OidcPendingResponse,
  OidcProvidersResponse,
  OwnerProofBody,
  PasskeyListResponse,
  PasskeyResponse,
  ProfileBody,
  RecoveryCodesResponse,
  SearchQuery,
  SearchResponse,
  SessionsResponse,
  SettingsBody,
  SignupBody,
  TwoFactorSetup,
  TwoFactorStatus,
  UnreadResponse,
  UploadResponse,
  UserResponse,
  WebAuthnOptionsResponse,
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
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** The raw answer of a request that succeeded; an error answer throws ApiError. */
  private async send(method: string, path: string, options: { body?: unknown; query?: Query }): Promise<Response> {
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
    if (response.ok) return response;
    const body = (await response.json().catch(() => undefined)) as unknown;
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

  availability = (query: { username?: string; email?: string }) =>
    this.request<AvailabilityResponse>('GET', '/api/auth/availability', { query });
  signup = (body: SignupBody) => this.request<UserResponse>('POST', '/api/auth/signup', { body });
  verify = (token: string) => this.request<UserResponse>('POST', '/api/auth/verify', { body: { token } });
  resendVerification = () => this.request<AcceptedResponse>('POST', '/api/auth/verify/resend');

  /**
   * With `issueToken`, the answer carries a bearer token, which this client then uses. An account
   * with two-factor on answers `twoFactor` instead: finish with `loginTwoFactor`.
   */
  async login(login: string, password: string, options: { issueToken?: boolean } = {}): Promise<LoginResponse> {
    const response = await this.request<LoginResponse>('POST', '/api/auth/login', {
      body: { login, password, ...(options.issueToken ? { issueToken: true } : {}) },
    });
    if ('token' in response && response.token) this.token = response.token;
    return response;
  }

  /** The second step of a two-factor sign-in: the challenge `login` answered and a TOTP or recovery code. */
  async loginTwoFactor(challenge: string, code: string, options: { issueToken?: boolean } = {}): Promise<UserResponse> {
    return this.signedIn(
      this.request<UserResponse>('POST', '/api/auth/login/two-factor', {
        body: { challenge, code, ...(options.issueToken ? { issueToken: true } : {}) },
      }),
    );
  }

  /** Signs in with the `AuthenticationResponseJSON` of a ceremony started by `passkeyLoginOptions`. */
  async loginWithPasskey(response: unknown, options: { issueToken?: boolean } = {}): Promise<UserResponse> {
    return this.signedIn(
      this.request<UserResponse>('POST', '/api/auth/login/passkey', {
        body: { response, ...(options.issueToken ? { issueToken: true } : {}) },
      }),
    );
  }

  private async signedIn(answer: Promise<UserResponse>): Promise<UserResponse> {
    const response = await answer;
    if (response.token) this.token = response.token;
    return response;
  }

  passkeyLoginOptions = () => this.request<WebAuthnOptionsResponse>('POST', '/api/auth/login/passkey/options');
  twoFactorStatus = () => this.request<TwoFactorStatus>('GET', '/api/auth/two-factor');
  setupTwoFactor = (password: string) =>
    this.request<TwoFactorSetup>('POST', '/api/auth/two-factor/setup', { body: { password } });
  enableTwoFactor = (code: string) =>
    this.request<RecoveryCodesResponse>('POST', '/api/auth/two-factor/enable', { body: { code } });
  disableTwoFactor = (password: string, code: string) =>
    this.request<void>('POST', '/api/auth/two-factor/disable', { body: { password, code } });
  regenerateRecoveryCodes = (code: string) =>
    this.request<RecoveryCodesResponse>('POST', '/api/auth/two-factor/recovery-codes', { body: { code } });
  passkeys = () => this.request<PasskeyListResponse>('GET', '/api/auth/passkeys');
  passkeyRegistrationOptions = () => this.request<WebAuthnOptionsResponse>('POST', '/api/auth/passkeys/options');
  registerPasskey = (name: string, response: unknown) =>
    this.request<PasskeyResponse>('POST', '/api/auth/passkeys', { body: { name, response } });
  /** With the password, or `{}` for an account without one, signed in within `RECENT_SIGN_IN_MS`. */
  removePasskey = (id: number, proof: OwnerProofBody) =>
    this.request<void>('DELETE', `/api/auth/passkeys/${id}`, { body: proof });

  logout = () => this.request<void>('POST', '/api/auth/logout');
  logoutAll = () => this.request<void>('POST', '/api/auth/logout-all');
  me = () => this.request<UserResponse>('GET', '/api/auth/me');
  forgotPassword = (email: string) =>
    this.request<AcceptedResponse>('POST', '/api/auth/password/forgot', { body: { email } });
  /** Signs in, or answers `twoFactor` as `login` does when the account has two-factor on. */
  resetPassword = (token: string, password: string) =>
    this.request<LoginResponse>('POST', '/api/auth/password/reset', { body: { token, password } });
  /** The identity providers a browser may sign in with (each at `/api/auth/oidc/{id}/start`). */
  identityProviders = () => this.request<OidcProvidersResponse>('GET', '/api/auth/oidc/providers');
  /** The identity back from a provider that has no account yet (after `/sign-in/continue`). */
  pendingIdentity = () => this.request<OidcPendingResponse>('GET', '/api/auth/oidc/pending');
  createAccountForIdentity = (username: string) =>
    this.request<UserResponse>('POST', '/api/auth/oidc/pending/account', { body: { username } });
  linkIdentity = (password: string) =>
    this.request<UserResponse>('POST', '/api/auth/oidc/pending/link', { body: { password } });
  /** The signed-in user's linked provider accounts. */
  linkedIdentities = () => this.request<LinkedIdentitiesResponse>('GET', '/api/auth/oidc/identities');
  unlinkIdentity = (provider: string) =>
    this.request<void>('DELETE', `/api/auth/oidc/identities/${encodeURIComponent(provider)}`);
  updateSettings = (settings: SettingsBody) =>
    this.request<UserResponse>('PATCH', '/api/me/settings', { body: settings });
  updateProfile = (profile: ProfileBody) => this.request<UserResponse>('PATCH', '/api/me/profile', { body: profile });
  removeAvatar = () => this.request<UserResponse>('DELETE', '/api/me/avatar');
  changePassword = (body: ChangePasswordBody) => this.request<UserResponse>('POST', '/api/me/password', { body });
  /** The new address takes effect once the link mailed to it is followed (`confirmEmailChange`). */
  changeEmail = (body: ChangeEmailBody) => this.request<UserResponse>('POST', '/api/me/email', { body });
  cancelEmailChange = () => this.request<UserResponse>('DELETE', '/api/me/email/pending');
  confirmEmailChange = (token: string) =>
    this.request<UserResponse>('POST', '/api/auth/email/confirm', { body: { token } });

  /** Sets the user's picture (multipart); the server keeps a square of it (`AVATAR_SIZE`). */
  uploadAvatar(file: Blob, filename = 'avatar'): Promise<UserResponse> {
    const form = new FormData();
    form.append('file', file, filename);
    return this.request<UserResponse>('PUT', '/api/me/avatar', { body: form });
  }

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
  blocks = () => this.request<BlockListResponse>('GET', '/api/blocks');
  block = (userId: number) => this.request<BlockStateResponse>('PUT', `/api/blocks/${userId}`);
  unblock = (userId: number) => this.request<BlockStateResponse>('DELETE', `/api/blocks/${userId}`);
  /** Muted or not, for this user only; their other connections get `conversation_muted`. */
  setMuted = (id: number, muted: boolean) =>
    this.request<MuteResponse>(muted ? 'PUT' : 'DELETE', `/api/conversations/${id}/mute`);
  search = (query: SearchQuery) => this.request<SearchResponse>('GET', '/api/search', { query });
  wsTicket = () => this.request<WsTicketResponse>('POST', '/api/ws-ticket');

  /** The devices signed in to this account; `current` marks the one asking. */
  sessions = () => this.request<SessionsResponse>('GET', '/api/me/sessions');
  /** Signs one device out; its sockets close at once. */
  endSession = (id: string) => this.request<void>('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`);
  endOtherSessions = () => this.request<EndedSessionsResponse>('POST', '/api/me/sessions/end-others');
  /** The account's data as a zip (browsers can link to /api/me/export instead). */
  exportData = async () => new Uint8Array(await (await this.send('GET', '/api/me/export', {})).arrayBuffer());
  /** Deletes the account for good; its sessions end, this one too. */
  deleteAccount = (body: OwnerProofBody) => this.request<void>('POST', '/api/me/delete', { body });

  /** Uploads a picture (multipart); send the returned attachment's id with a message. */
  upload(file: Blob, filename = 'picture'): Promise<UploadResponse> {
    const form = new FormData();
    form.append('file', file, filename);
    return this.request<UploadResponse>('POST', '/api/uploads', { body: form });
  }
}
