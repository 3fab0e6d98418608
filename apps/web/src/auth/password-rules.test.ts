import { describe, expect, it } from 'vitest';
import { charactersMissing, passwordProblem, passwordStrength } from './password-rules.ts';

describe('the password hint', () => {
  it('finds what the server would refuse', () => {
    expect(passwordProblem('short')).toBe('password_too_short');
    expect(passwordProblem('é'.repeat(37))).toBe('password_too_long');
    expect(passwordProblem('Sunshine')).toBe('password_too_weak');
    expect(passwordProblem('abababab')).toBe('password_too_weak');
    expect(passwordProblem('dana.smith', { username: 'Dana.Smith' })).toBe('password_too_weak');
    expect(passwordProblem('dana.smith', { email: 'dana.smith@example.com' })).toBe('password_too_weak');
    expect(passwordProblem('correct horse battery')).toBeUndefined();
  });

  it('counts characters as people see them, not UTF-16 units', () => {
    expect(charactersMissing('🙂🙂🙂')).toBe(5);
    expect(passwordProblem('🙂🙂🙂🙂🙂🙂🙂🙂')).toBe('password_too_weak');
  });

  it('rates accepted passwords', () => {
    expect(passwordStrength('gardening')).toBe('fair');
    expect(passwordStrength('Gardening-2024')).toBe('strong');
    expect(passwordStrength('correct horse battery staple')).toBe('strong');
  });
});
