import { PasswordField } from '../auth/Field.tsx';

/** The account's password, asked again before a change that weakens or takes over the account. */
export function CurrentPasswordField({
  value,
  onChange,
  label = 'Your password',
}: {
  value: string;
  onChange(value: string): void;
  label?: string;
}) {
  return (
    <PasswordField
      label={label}
      name="password"
      autoComplete="current-password"
      required
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
