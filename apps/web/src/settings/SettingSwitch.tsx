import type { Me, SettingsBody } from '@chat/protocol';
import { useId, useState } from 'react';
import { api } from '../lib/api.ts';
import { endedSession, signedIn } from '../session/session.ts';

type SwitchSetting = keyof SettingsBody & keyof Me;

/** A checkbox bound to one boolean account setting: saved at once, the session updated from the answer. */
export function SettingSwitch({
  me,
  setting,
  label,
  note,
}: {
  me: Me;
  setting: SwitchSetting;
  label: string;
  note: string;
}) {
  const id = useId();
  // Shown at once; the saved value replaces it when the server answers, or it flips back on a failure.
  const [pending, setPending] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const change = async (value: boolean) => {
    setPending(value);
    setError(null);
    try {
      const { user } = await api.updateSettings({ [setting]: value });
      signedIn(user);
    } catch (failure) {
      if (!endedSession(failure)) setError('Not saved. Check your connection and try again.');
    } finally {
      setPending(null);
    }
  };
  return (
    <div className="setting-switch">
      <input
        id={id}
        type="checkbox"
        checked={pending ?? Boolean(me[setting])}
        disabled={pending !== null}
        aria-describedby={`${id}-note`}
        onChange={(event) => void change(event.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-note`} className="field-note hint">
        {note}
      </p>
      {error && (
        <p className="field-note error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
