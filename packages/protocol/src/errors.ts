import Type, { type Static } from 'typebox';

/**
 * Every machine-readable error code the server can answer with, over REST or in a WS `error` frame.
 * Codes are stable API: clients branch on them, so a code is never renamed, only added.
 */
export const ERROR_CODES = [
  // Generic request problems
  'bad_request',
  'validation_failed',
  'not_found',
  'method_not_allowed',
  'unsupported_media_type',
  'payload_too_large',
  'rate_limited',
  'internal_error',
  'service_unavailable',
  // Security
  'unauthenticated',
  'forbidden',
  'bad_origin',
  // Accounts
  'username_too_short',
  'username_too_long',
  'username_invalid',
  'username_reserved',
  'username_taken',
  'email_invalid',
  'email_taken',
  'password_too_short',
  'password_too_long',
  'password_too_weak',
  'invalid_credentials',
  'email_not_verified',
  'token_invalid',
  'token_expired',
  'token_used',
  // Second factors
  'code_invalid',
  'challenge_invalid',
  'two_factor_not_enabled',
  'two_factor_already_enabled',
  'passkey_invalid',
  // Changing one's own account
  'wrong_password',
  'email_unchanged',
  'display_name_too_long',
  'display_name_invalid',
  // Signing in through an identity provider
  'oidc_unknown_provider',
  'oidc_unavailable',
  'oidc_flow_expired',
  'oidc_state_mismatch',
  'oidc_nonce_mismatch',
  'oidc_provider_error',
  'oidc_callback_failed',
  'oidc_email_missing',
  'oidc_pending_expired',
  'oidc_email_unverified',
  'oidc_already_linked',
  'oidc_link_two_factor',
  'recent_sign_in_required',
  'oidc_last_sign_in_method',
  // Chat
  'cannot_message_self',
  'text_too_long',
  'empty_message',
  'empty_upload',
  'peer_deleted',
  // Changing messages
  'not_own_message',
  'edit_window_passed',
  'message_deleted',
  'invalid_reply',
  'invalid_reaction',
  // Blocking
  'blocked',
  'blocked_by_you',
  'cannot_block_self',
  // Search
  'search_query_empty',
  'search_query_too_long',
  // WebSocket gateway
  'protocol_version_unsupported',
  'unknown_frame',
  'malformed_frame',
  'ticket_expired',
  'too_many_sockets',
  'too_many_frames',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      /** Stable machine code from ERROR_CODES. */
      code: Type.String(),
      /** Human-readable explanation, safe to show to a user. */
      message: Type.String(),
      /** Per-field codes when a request body failed validation, keyed by field name. */
      fields: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
  },
  { $id: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/**
 * Codes that answer a send whose fate the server does not know (its database or bus failed, or a
 * commit was cut off): the message may or may not be stored. A client keeps such a send pending and
 * resends it with the same `clientId`, with back-off, until it is acked or refused: the server
 * stores one message per client id, so a resend can never duplicate it. Every other code that
 * answers a send is final: the message was not stored and resending it unchanged will not help.
 */
export const RETRYABLE_ERROR_CODES = ['internal_error', 'service_unavailable'] as const satisfies readonly ErrorCode[];

/** True when an error that names a send means "not known, try again" rather than "refused". */
export const isRetryableError = (code: string): boolean => (RETRYABLE_ERROR_CODES as readonly string[]).includes(code);
