import Type, { type Static } from 'typebox';

/**
 * WebAuthn options and responses in the JSON forms of the WebAuthn Level 3 spec
 * (`PublicKeyCredentialCreationOptionsJSON`, `RegistrationResponseJSON`, …), as `@simplewebauthn/browser`
 * takes and gives them. Their inner shape is the spec's; the server checks it.
 */
const WebAuthnJson = Type.Record(Type.String(), Type.Unknown());

export const Passkey = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  /** Given by the user when registering, e.g. "Laptop". */
  name: Type.String(),
  createdAt: Type.Integer(),
  /** Null until it is first used to sign in. */
  lastUsedAt: Type.Union([Type.Integer(), Type.Null()]),
});
export type Passkey = Static<typeof Passkey>;

export const PasskeyListResponse = Type.Object({ passkeys: Type.Array(Passkey) });
export type PasskeyListResponse = Static<typeof PasskeyListResponse>;

/** Options for `navigator.credentials.create()` / `.get()`; their challenge is single-use and short-lived. */
export const WebAuthnOptionsResponse = Type.Object({ options: WebAuthnJson });
export type WebAuthnOptionsResponse = Static<typeof WebAuthnOptionsResponse>;

export const PASSKEY_NAME_MAX = 64;

export const PasskeyRegisterBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: PASSKEY_NAME_MAX }),
    /** The `RegistrationResponseJSON` of the ceremony the options started. */
    response: WebAuthnJson,
  },
  { additionalProperties: false },
);
export type PasskeyRegisterBody = Static<typeof PasskeyRegisterBody>;

export const PasskeyResponse = Type.Object({ passkey: Passkey });
export type PasskeyResponse = Static<typeof PasskeyResponse>;

export const PasskeyParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type PasskeyParams = Static<typeof PasskeyParams>;

export const PasskeyLoginBody = Type.Object(
  {
    /** The `AuthenticationResponseJSON` of the ceremony the options started. */
    response: WebAuthnJson,
    /** As for `POST /api/auth/login`: answer with a bearer `token` instead of a cookie. */
    issueToken: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PasskeyLoginBody = Static<typeof PasskeyLoginBody>;
