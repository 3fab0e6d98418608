import { type InputHTMLAttributes, type ReactNode, useId, useState } from 'react';

/** A line under a field: a problem, a confirmation, or advice. */
export interface FieldNote {
  text: string;
  tone: 'error' | 'ok' | 'hint';
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  note?: FieldNote;
}

/** What ties an input to its label and note, so the note is read out with it. */
interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

function FieldFrame({
  label,
  note,
  children,
}: {
  label: string;
  note?: FieldNote;
  children(control: ControlProps): ReactNode;
}) {
  const inputId = useId();
  const noteId = useId();
  const control = {
    id: inputId,
    'aria-invalid': note?.tone === 'error',
    'aria-describedby': note ? noteId : undefined,
  };
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {children(control)}
      {note && (
        <p id={noteId} className={`field-note ${note.tone}`}>
          {note.text}
        </p>
      )}
    </div>
  );
}

export function Field({ label, note, ...input }: FieldProps) {
  return (
    <FieldFrame label={label} note={note}>
      {(control) => <input className="input" {...control} {...input} />}
    </FieldFrame>
  );
}

/** A password input with a button that shows what was typed, which saves retyping on a phone. */
export function PasswordField({ label, note, ...input }: FieldProps) {
  const [visible, setVisible] = useState(false);
  return (
    <FieldFrame label={label} note={note}>
      {(control) => (
        <div className="password-input">
          <input className="input" {...control} {...input} type={visible ? 'text' : 'password'} />
          <button type="button" className="button quiet" onClick={() => setVisible(!visible)}>
            {visible ? 'Hide' : 'Show'}
            <span className="sr-only"> password</span>
          </button>
        </div>
      )}
    </FieldFrame>
  );
}
