import { askForNotifications, useNotificationAccess } from './permission.ts';
import { changeAlertPreferences, useAlertPreferences } from './preferences.ts';

/**
 * The offer to turn desktop notifications on, in the chat, saying what they are for; the browser
 * asks only when "Turn on" is pressed. Gone once answered either way ("Not now" is remembered);
 * the settings keep the way back.
 */
export function NotificationPrompt({ userId }: { userId: number }) {
  const access = useNotificationAccess();
  const { promptDismissed } = useAlertPreferences(userId);
  if (access !== 'default' || promptDismissed) return null;
  return (
    <aside className="notification-prompt" aria-label="Notifications">
      <p>Get notified of new messages while this tab is in the background.</p>
      <div className="notification-prompt-actions">
        <button type="button" className="button primary" onClick={() => void askForNotifications()}>
          Turn on notifications
        </button>
        <button
          type="button"
          className="button quiet"
          onClick={() => changeAlertPreferences(userId, { promptDismissed: true })}
        >
          Not now
        </button>
      </div>
    </aside>
  );
}
