/**
 * The account rules, as pure functions shared by the server (sign-up, the availability check,
 * password reset) and clients (live form hints), so both always agree. Each returns the machine
 * code of the first problem, or undefined.
 */

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
/** bcrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused instead. */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_LENGTH = 8;
/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX = 254;
/** In characters (code points): room for a full name, short enough for a list row. */
export const DISPLAY_NAME_MAX = 64;

/** Names that would let someone impersonate the service. */
const RESERVED_USERNAMES = new Set(['admin', 'administrator', 'root', 'system', 'support', 'help', 'chat', 'staff']);

/** The passwords tried first by anyone guessing; refusing them costs users little. */
const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password123',
  '12345678',
  '123456789',
  '1234567890',
  '11111111',
  '00000000',
  'qwertyui',
  'qwerty123',
  'qwertyuiop',
  'iloveyou',
  'abc12345',
  'abcd1234',
  'letmein1',
  'welcome1',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'trustno1',
  'passw0rd',
  'asdfghjk',
  'zaq12wsx',
  '1q2w3e4r',
]);

/** Usernames are compared without regard to case, so they are stored lower-cased. */
export const normalizeUsername = (raw: string) => raw.trim().toLowerCase();
export const normalizeEmail = (raw: string) => raw.trim().toLowerCase();
/** Display names are trimmed; an empty one means "no display name" (the username is shown). */
export const normalizeDisplayName = (raw: string): string | null => raw.normalize('NFC').trim() || null;

/**
 * Control characters (line breaks, NUL…) and the bidirectional overrides and isolates, which can make
 * a name read as someone else's ("\u202Eevil" shown reversed). Joiners stay: emoji sequences need them.
 */
const FORBIDDEN_IN_NAMES = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** For a display name already normalized. */
export function displayNameProblem(name: string): string | undefined {
  if ([...name].length > DISPLAY_NAME_MAX) return 'display_name_too_long';
  if (FORBIDDEN_IN_NAMES.test(name)) return 'display_name_invalid';
  return undefined;
}

export function usernameProblem(username: string): string | undefined {
  if (username.length < USERNAME_MIN) return 'username_too_short';
  if (username.length > USERNAME_MAX) return 'username_too_long';
  if (!/^[a-z0-9_.-]+$/.test(username)) return 'username_invalid';
  if (RESERVED_USERNAMES.has(username)) return 'username_reserved';
  return undefined;
}

export function emailProblem(email: string): string | undefined {
  if (email.length > EMAIL_MAX || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email)) return 'email_invalid';
  return undefined;
}

export function passwordProblem(
  password: string,
  context: { username?: string; email?: string } = {},
): string | undefined {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'password_too_short';
  if (new TextEncoder().encode(password).length > PASSWORD_MAX_BYTES) return 'password_too_long';
  const lower = password.toLowerCase();
  const username = context.username === undefined ? undefined : normalizeUsername(context.username);
  const email = context.email === undefined ? undefined : normalizeEmail(context.email);
  const tooGuessable =
    COMMON_PASSWORDS.has(lower) ||
    new Set(lower).size <= 2 ||
    lower === username ||
    lower === email ||
    (email !== undefined && lower === email.split('@')[0]);
  return tooGuessable ? 'password_too_weak' : undefined;
}
