import { PASSWORD_MIN_LENGTH } from '@chat/protocol';

/** The rules themselves live in @chat/protocol, shared with the server; this adds only what the form shows. */
export { passwordProblem } from '@chat/protocol';

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
