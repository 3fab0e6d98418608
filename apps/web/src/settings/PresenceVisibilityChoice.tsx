import type { Me, PresenceVisibility } from '@chat/protocol';
import { useId, useState } from 'react';
import { api } from '../lib/api.ts';
import { endedSession, signedIn } from '../session/session.ts';

const OPTIONS: Array<{ value: PresenceVisibility; label: string; note: string }> = [
  { value: 'everyone', label: 'Everyone', note: 'Anyone who finds you in People.' },
  { value: 'conversations', label: 'My conversations', note: 'Only people you have a conversation with.' },
  { value: 'nobody', label: 'Nobody', note: 'You appear offline to everyone, even while you chat.' },
];

/** Who sees when I am online and when I was last seen: a radio group, saved at once. */
export function PresenceVisibilityChoice({ me }: { me: Me }) {
  const name = useId();
  const [pending, setPending] = useState<PresenceVisibility | null>(null);
  const [error, setError] = useState<string | null>(null);
  const choose = async (value: PresenceVisibility) => {
    setPending(value);
    setError(null);
    try {
      signedIn((await api.updateSettings({ presenceVisibility: value })).user);
    } catch (failure) {
      if (!endedSession(failure)) setError('Not saved. Check your connection and try again.');
    } finally {
      setPending(null);
    }
  };
  const chosen = pending ?? me.presenceVisibility;
  return (
    <fieldset className="setting-choice" disabled={pending !== null}>
      <legend>Who sees when I am online and when I was last seen</legend>
      {OPTIONS.map((option) => (
        <div key={option.value} className="setting-switch">
          <input
            id={`${name}-${option.value}`}
            type="radio"
            name={name}
            value={option.value}
            checked={chosen === option.value}
            aria-describedby={`${name}-${option.value}-note`}
            onChange={() => void choose(option.value)}
          />
          <label htmlFor={`${name}-${option.value}`}>{option.label}</label>
          <p id={`${name}-${option.value}-note`} className="field-note hint">
            {option.note}
          </p>
        </div>
      ))}
      {error && (
        <p className="field-note error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
