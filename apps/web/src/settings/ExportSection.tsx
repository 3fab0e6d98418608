import { ApiError } from '@chat/client';
import { EXPORT_LIMIT, type Me } from '@chat/protocol';
import { useState } from 'react';
import { api } from '../lib/api.ts';
import { endedSession } from '../session/session.ts';

/** Saves bytes the page holds as a file, the way a download link would. */
function save(bytes: Uint8Array, filename: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * A zip of everything the account holds. Fetched rather than linked, so that a refusal (too many
 * exports) is shown here instead of being saved as a file.
 */
export function ExportSection({ me }: { me: Me }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      save(await api.exportData(), `chat-${me.username}-${new Date().toISOString().slice(0, 10)}.zip`);
    } catch (caught) {
      if (endedSession(caught)) return;
      setError(caught instanceof ApiError ? caught.message : 'The export could not be made. Try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>
        A zip file with your profile, your devices, your conversations with every message in them (yours and the other
        person's), and the pictures you sent. You can download it {EXPORT_LIMIT.perHour} times an hour.
      </p>
      <button type="button" className="button" disabled={busy} onClick={() => void download()}>
        {busy ? 'Preparing…' : 'Download my data'}
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
