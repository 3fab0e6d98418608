import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';

/** Asked once typing pauses: quick enough to feel live, rare enough for the server's per-address limit. */
const CHECK_DEBOUNCE_MS = 400;

export type Availability =
  | { state: 'idle' | 'checking' | 'available' }
  /** The server's code: a format problem (`username_too_short`…) or `username_taken` / `email_taken`. */
  | { state: 'unavailable'; code: string };

/** Whether a username or an email address can be signed up with, as the user types it. */
export function useAvailability(field: 'username' | 'email', value: string): Availability {
  const [availability, setAvailability] = useState<Availability>({ state: 'idle' });
  const wanted = value.trim();

  useEffect(() => {
    if (wanted === '') {
      setAvailability({ state: 'idle' });
      return;
    }
    let current = true;
    setAvailability({ state: 'checking' });
    const timer = setTimeout(async () => {
      try {
        const answer = await api.availability({ [field]: wanted });
        if (!current) return;
        setAvailability(
          answer.available ? { state: 'available' } : { state: 'unavailable', code: answer.reason ?? '' },
        );
      } catch {
        // Not knowing is no reason to block anyone: sign-up checks again.
        if (current) setAvailability({ state: 'idle' });
      }
    }, CHECK_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [field, wanted]);

  return availability;
}
