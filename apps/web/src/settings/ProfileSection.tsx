import { ApiError } from '@chat/client';
import { DISPLAY_NAME_MAX, displayNameProblem, IMAGE_TYPES, type Me, normalizeDisplayName } from '@chat/protocol';
import { type ChangeEvent, useId, useState } from 'react';
import { AuthForm } from '../auth/AuthForm.tsx';
import { Field } from '../auth/Field.tsx';
import { formMessage, refusedNote } from '../auth/notes.ts';
import { ProfilePicture } from '../chat/Avatar.tsx';
import { api } from '../lib/api.ts';
import { endedSession, signedIn } from '../session/session.ts';

/** How I appear to others: my name and my picture. */
export function ProfileSection({ me }: { me: Me }) {
  return (
    <>
      <PictureSetting me={me} />
      <DisplayNameSetting me={me} />
    </>
  );
}

function DisplayNameSetting({ me }: { me: Me }) {
  const [name, setName] = useState(me.displayName ?? '');
  const [refused, setRefused] = useState<string>();
  const [saved, setSaved] = useState(false);
  const normalized = normalizeDisplayName(name);
  const problem = normalized === null ? undefined : displayNameProblem(normalized);

  const save = async () => {
    setSaved(false);
    if (problem) {
      setRefused(problem);
      return;
    }
    try {
      const { user } = await api.updateProfile({ displayName: normalized });
      signedIn(user);
      setName(user.displayName ?? '');
      setSaved(true);
    } catch (error) {
      if (endedSession(error)) return;
      if (error instanceof ApiError && error.fields.displayName) {
        setRefused(error.fields.displayName);
        return;
      }
      throw error;
    }
  };

  return (
    <AuthForm submitLabel="Save name" busyLabel="Saving…" onSubmit={save}>
      <Field
        label="Display name"
        name="displayName"
        autoComplete="name"
        value={name}
        onChange={(event) => {
          setName(event.target.value);
          setRefused(undefined);
          setSaved(false);
        }}
        note={
          refusedNote(refused ?? problem) ?? {
            text: `Shown instead of @${me.username}, which stays your handle. At most ${DISPLAY_NAME_MAX} characters; leave it empty to show the handle only.`,
            tone: 'hint',
          }
        }
      />
      {saved && (
        <p className="field-note ok" role="status">
          Saved.
        </p>
      )}
    </AuthForm>
  );
}

function PictureSetting({ me }: { me: Me }) {
  const inputId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const run = async (change: () => Promise<{ user: Me }>) => {
    setBusy(true);
    setError(undefined);
    try {
      signedIn((await change()).user);
    } catch (failure) {
      if (!endedSession(failure)) setError(formMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) void run(() => api.uploadAvatar(file, file.name));
  };

  return (
    <div className="profile-picture">
      <span className="profile-picture-preview">
        <ProfilePicture user={me} />
      </span>
      <div className="profile-picture-actions">
        {/* The input itself stays reachable by keyboard; its label is what the eye sees as the button. */}
        <input
          id={inputId}
          className="visually-hidden-file"
          type="file"
          accept={IMAGE_TYPES.join(',')}
          disabled={busy}
          onChange={choose}
        />
        <label htmlFor={inputId} className={`button${busy ? ' disabled' : ''}`}>
          {busy ? 'Saving…' : me.avatarId ? 'Change picture' : 'Add a picture'}
        </label>
        {me.avatarId && (
          <button type="button" className="button quiet" disabled={busy} onClick={() => void run(api.removeAvatar)}>
            Remove picture
          </button>
        )}
        <p className="field-note hint">JPEG, PNG, GIF or WebP. The middle of it is shown, as a square.</p>
        {error && (
          <p className="field-note error" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
