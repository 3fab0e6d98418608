import Type, { type Static } from 'typebox';

/**
 * Changing one's own account. Like the sign-up bodies, these are checked here for shape only; the
 * account rules answer with one code per field, so a form can show each one.
 */
const Text = (maxLength: number) => Type.String({ maxLength });

/** The side of the square picture served for an avatar, in pixels: sharp at three times a list row's size. */
export const AVATAR_SIZE = 128;

export const ProfileBody = Type.Object(
  {
    /** Trimmed; empty or null removes it (the username is shown instead). See `displayNameProblem`. */
    displayName: Type.Union([Text(400), Type.Null()]),
  },
  { additionalProperties: false },
);
export type ProfileBody = Static<typeof ProfileBody>;

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Text(1000),
    /** Follows the sign-up rules (`passwordProblem`). */
    newPassword: Text(1000),
    /** Ends every other session of the account (their sockets close); this one stays signed in. */
    signOutOtherSessions: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const ChangeEmailBody = Type.Object(
  {
    /** The new address: it takes effect once the link mailed to it is followed. */
    email: Text(400),
    /** The current password, since whoever controls the address can reset the password. */
    password: Text(1000),
  },
  { additionalProperties: false },
);
export type ChangeEmailBody = Static<typeof ChangeEmailBody>;

export const AvatarParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export type AvatarParams = Static<typeof AvatarParams>;
