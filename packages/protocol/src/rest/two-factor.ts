import Type, { type Static } from 'typebox';
import { UserResponse } from './auth.ts';

/** A six-digit code from an authenticator app, or a recovery code; shape only, the server judges it. */
const Code = Type.String({ minLength: 1, maxLength: 32 });
const Password = Type.String({ maxLength: 1000 });

/** How many single-use recovery codes an account gets, each time they are made. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * The first answer of `POST /api/auth/login` for an account with two-factor on: the password was
 * right, but no session exists yet. Send `challenge` with a code to `POST /api/auth/login/two-factor`
 * before `expiresAt`.
 */
export const TwoFactorChallenge = Type.Object({
  /** Opaque; good for one completed sign-in and a few wrong codes until `expiresAt`. */
  challenge: Type.String(),
  /** Milliseconds since the epoch. */
  expiresAt: Type.Integer(),
});
export type TwoFactorChallenge = Static<typeof TwoFactorChallenge>;

/** `POST /api/auth/login` answers one of these: signed in (`user`), or a second factor is needed (`twoFactor`). */
export const LoginResponse = Type.Union([UserResponse, Type.Object({ twoFactor: TwoFactorChallenge })]);
export type LoginResponse = Static<typeof LoginResponse>;

export const TwoFactorLoginBody = Type.Object(
  {
    challenge: Type.String({ maxLength: 200 }),
    /** The current code of the authenticator app, or one unused recovery code. */
    code: Code,
    /** As for `POST /api/auth/login`: answer with a bearer `token` instead of a cookie. */
    issueToken: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TwoFactorLoginBody = Static<typeof TwoFactorLoginBody>;

export const TwoFactorStatus = Type.Object({
  enabled: Type.Boolean(),
  /** Unused recovery codes left (0 when two-factor is off). */
  recoveryCodesLeft: Type.Integer({ minimum: 0 }),
});
export type TwoFactorStatus = Static<typeof TwoFactorStatus>;

export const PasswordBody = Type.Object({ password: Password }, { additionalProperties: false });
export type PasswordBody = Static<typeof PasswordBody>;

/** The answer to `POST /api/auth/two-factor/setup`: shown once, never again after setup. */
export const TwoFactorSetup = Type.Object({
  /** Base32, for typing into an authenticator app by hand. */
  secret: Type.String(),
  /** The `otpauth://totp/…` URI to show as a QR code. */
  otpauthUrl: Type.String(),
});
export type TwoFactorSetup = Static<typeof TwoFactorSetup>;

export const TwoFactorCodeBody = Type.Object({ code: Code }, { additionalProperties: false });
export type TwoFactorCodeBody = Static<typeof TwoFactorCodeBody>;

export const TwoFactorDisableBody = Type.Object({ password: Password, code: Code }, { additionalProperties: false });
export type TwoFactorDisableBody = Static<typeof TwoFactorDisableBody>;

/** Fresh recovery codes, shown once: the server keeps only their hashes. Each replaces all earlier ones. */
export const RecoveryCodesResponse = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
export type RecoveryCodesResponse = Static<typeof RecoveryCodesResponse>;
