import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';

/** Whether the account has a password (true until known: the common case, and the safe form). */
export function useHasPassword(): boolean {
  const [hasPassword, setHasPassword] = useState(true);
  useEffect(() => {
    api.linkedIdentities().then(
      (linked) => setHasPassword(linked.hasPassword),
      () => {},
    );
  }, []);
  return hasPassword;
}
