import Type, { type Static } from 'typebox';
import { Me } from '../entities.ts';

/**
 * Bodies are checked here for shape only (strings, bounded sizes); the account rules (formats,
 * strength) answer with one code per field from the server, so the web form can show each one.
 */
const Text = (maxLength: number) => Type.String({ maxLength });

export const SignupBody = Type.Object(
  { username: Text(200), email: Text(400), password: Text(1000) },
  { additionalProperties: false },
);
export type SignupBody = Static<typeof SignupBody>;

export const LoginBody = Type.Object(
  {
    /** Username or email address. */
    login: Text(400),
    password: Text(1000),
    /**
     * For clients that are not browsers: answer with a bearer `token` in the body instead of a
     * cookie. Send it as `Authorization: Bearer <token>`.
     */
    issueToken: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const TokenBody = Type.Object({ token: Text(200) }, { additionalProperties: false });
export type TokenBody = Static<typeof TokenBody>;

export const ForgotPasswordBody = Type.Object({ email: Text(400) }, { additionalProperties: false });
export type ForgotPasswordBody = Static<typeof ForgotPasswordBody>;

export const ResetPasswordBody = Type.Object(
  { token: Text(200), password: Text(1000) },
  { additionalProperties: false },
);
export type ResetPasswordBody = Static<typeof ResetPasswordBody>;

export const AvailabilityQuery = Type.Object(
  { username: Type.Optional(Text(200)), email: Type.Optional(Text(400)) },
  { additionalProperties: false },
);
export type AvailabilityQuery = Static<typeof AvailabilityQuery>;

export const AvailabilityResponse = Type.Object({
  available: Type.Boolean(),
  /** Why not: a format code (e.g. `username_too_short`) or `username_taken` / `email_taken`. */
  reason: Type.Optional(Type.String()),
});
export type AvailabilityResponse = Static<typeof AvailabilityResponse>;

export const UserResponse = Type.Object({
  user: Me,
  /** Only when the login asked for `issueToken`. */
  token: Type.Optional(Type.String()),
});
export type UserResponse = Static<typeof UserResponse>;

/** The answer to requests whose outcome must not reveal anything, such as forgot-password. */
export const AcceptedResponse = Type.Object({ status: Type.Literal('accepted') });
export type AcceptedResponse = Static<typeof AcceptedResponse>;
