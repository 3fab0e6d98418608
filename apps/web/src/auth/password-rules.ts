/**
 * The server's password rules (apps/api/src/auth/rules.ts), so the hint agrees with what sign-up
 * and reset will answer before the form is sent. The server stays the judge.
 */
const PASSWORD_MIN_LENGTH = 8;
/** bcrypt reads at most 72 bytes; the server refuses longer passwords rather than cut them. */
const PASSWORD_MAX_BYTES = 72;

/** The passwords tried first by anyone guessing: the server refuses them. */
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

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** The first problem the server would find, as its field code, or undefined. */
export function passwordProblem(
  password: string,
  context: { username?: string; email?: string } = {},
): string | undefined {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'password_too_short';
  if (utf8Bytes(password) > PASSWORD_MAX_BYTES) return 'password_too_long';
  const lower = password.toLowerCase();
  const email = context.email?.trim().toLowerCase();
  const tooGuessable =
    COMMON_PASSWORDS.has(lower) ||
    new Set(lower).size <= 2 ||
    lower === context.username?.trim().toLowerCase() ||
    lower === email ||
    (email !== undefined && lower === email.split('@')[0]);
  return tooGuessable ? 'password_too_weak' : undefined;
}

/** For a password the server accepts: how much harder than the minimum it is to guess. */
export function passwordStrength(password: string): 'fair' | 'good' | 'strong' {
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((kind) => kind.test(password)).length;
  const length = [...password].length;
  if (length >= 16 || (length >= 12 && kinds >= 3)) return 'strong';
  if (length >= 12 || kinds >= 3) return 'good';
  return 'fair';
}

/** How many more characters the minimum asks for. */
export const charactersMissing = (password: string) => Math.max(0, PASSWORD_MIN_LENGTH - [...password].length);
