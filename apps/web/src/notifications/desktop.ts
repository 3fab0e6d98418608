import type { NotificationContent } from './decisions.ts';
import { notificationAccess } from './permission.ts';

/**
 * Shows a desktop notification; clicking it brings the window forward and calls `onOpen`. Does
 * nothing without permission, or where pages may not construct notifications (Chrome on Android
 * wants a service worker and throws).
 */
export function showDesktopNotification(content: NotificationContent, onOpen: () => void): void {
  if (notificationAccess() !== 'granted') return;
  try {
    const notification = new Notification(content.title, { body: content.body, tag: content.tag });
    notification.onclick = () => {
      window.focus();
      onOpen();
      notification.close();
    };
  } catch {
    // No notification here; the title and the icon still carry the count.
  }
}
