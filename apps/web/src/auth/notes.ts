import { ApiError } from '@chat/client';
import { DISPLAY_NAME_MAX } from '@chat/protocol';
import type { FieldNote } from './Field.tsx';
import { charactersMissing, passwordStrength } from './password-rules.ts';
import type { Availability } from './use-availability.ts';

/** What each field code of the server means to the person filling the form. */
const FIELD_MESSAGES: Record<string, string> = {
  username_too_short: 'Use at least 3 characters.',
  username_too_long: 'Use at most 32 characters.',
  username_invalid: 'Use only letters, digits, dots, dashes and underscores.',
  username_reserved: 'That name is reserved. Pick another one.',
  username_taken: 'That username is taken.',
  email_invalid: 'Enter an email address, like name@example.com.',
  email_taken: 'An account already uses this address. Log in instead?',
  password_too_short: 'Use at least 8 characters.',
  password_too_long: 'Too long: at most 72 bytes (accents and emoji count for several).',
  password_too_weak: 'Too easy to guess. Pick something less common.',
  wrong_password: 'That is not your current password.',
  email_unchanged: 'That is already your address.',
  display_name_too_long: `Use at most ${DISPLAY_NAME_MAX} characters.`,
  display_name_invalid: 'Line breaks, control and text-direction characters cannot be used.',
};

export const fieldMessage = (code: string): string => FIELD_MESSAGES[code] ?? 'Check this field.';

/** For failures that are not about one field: no network, or a server answer without fields. */
export function formMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'The server could not be reached. Check your connection and try again.';
}

export const refusedNote = (code: string | undefined): FieldNote | undefined =>
  code ? { text: fieldMessage(code), tone: 'error' } : undefined;

export function availabilityNote(availability: Availability, whenFree: string): FieldNote | undefined {
  if (availability.state === 'checking') return { text: 'Checking…', tone: 'hint' };
  if (availability.state === 'available') return { text: whenFree, tone: 'ok' };
  if (availability.state === 'unavailable') return { text: fieldMessage(availability.code), tone: 'error' };
  return undefined;
}

/** Advice while typing, a problem once the password is long enough to judge, else how strong it is. */
export function passwordNote(password: string, problem: string | undefined): FieldNote {
  if (password === '') return { text: 'At least 8 characters. Avoid common words and patterns.', tone: 'hint' };
  if (problem === 'password_too_short') {
    const missing = charactersMissing(password);
    return { text: `${missing} more character${missing === 1 ? '' : 's'} to go.`, tone: 'hint' };
  }
  if (problem) return { text: fieldMessage(problem), tone: 'error' };
  return { text: `Strength: ${passwordStrength(password)}.`, tone: 'ok' };
}
