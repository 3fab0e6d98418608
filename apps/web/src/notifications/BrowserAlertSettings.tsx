import { useId } from 'react';
import { askForNotifications, type NotificationAccess, useNotificationAccess } from './permission.ts';
import { changeAlertPreferences, useAlertPreferences } from './preferences.ts';
import { playChime } from './sound.ts';

/** What the browser's own permission means here, in words; the browser alone can take a "Block" back. */
const ACCESS_NOTES: Record<Exclude<NotificationAccess, 'default'>, string> = {
  granted: 'Desktop notifications are on in this browser, for new messages while you look elsewhere.',
  denied: "Desktop notifications are blocked for this site. Allow them in the browser's site settings to get them.",
  unsupported: 'This browser cannot show desktop notifications.',
};

/** Desktop notifications and the sound, as this browser keeps them for this user. */
export function BrowserAlertSettings({ userId }: { userId: number }) {
  const access = useNotificationAccess();
  const { sound } = useAlertPreferences(userId);
  const soundId = useId();
  const changeSound = (on: boolean) => {
    changeAlertPreferences(userId, { sound: on });
    // Played now, on the click: the user hears what they chose, and the page may play it later.
    if (on) playChime();
  };
  return (
    <>
      <div className="setting-row">
        {access === 'default' ? (
          <button type="button" className="button" onClick={() => void askForNotifications()}>
            Turn on desktop notifications
          </button>
        ) : (
          <p className="field-note hint">{ACCESS_NOTES[access]}</p>
        )}
      </div>
      <div className="setting-switch">
        <input
          id={soundId}
          type="checkbox"
          checked={sound}
          aria-describedby={`${soundId}-note`}
          onChange={(event) => changeSound(event.target.checked)}
        />
        <label htmlFor={soundId}>Play a sound for new messages</label>
        <p id={`${soundId}-note`} className="field-note hint">
          In this browser only, whenever a new message would notify you.
        </p>
      </div>
    </>
  );
}
