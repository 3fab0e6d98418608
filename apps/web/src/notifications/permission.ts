import { createStore, useStore } from '../lib/store.ts';

/** The browser's answer about desktop notifications, or that it has none to give. */
export type NotificationAccess = NotificationPermission | 'unsupported';

const readAccess = (): NotificationAccess =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

const accessStore = createStore<NotificationAccess>(readAccess());

/** The permission as the browser holds it now: the user may have changed it in the browser's own settings. */
export function notificationAccess(): NotificationAccess {
  const access = readAccess();
  accessStore.set(access);
  return access;
}

export const useNotificationAccess = (): NotificationAccess => useStore(accessStore, (access) => access);

/**
 * Asks the browser for permission. Only ever called from a button the user pressed, next to words
 * that say what it is for: a prompt out of nowhere is what people learn to refuse.
 */
export async function askForNotifications(): Promise<NotificationAccess> {
  if (readAccess() === 'unsupported') return 'unsupported';
  try {
    accessStore.set(await Notification.requestPermission());
  } catch {
    // An older browser that only takes a callback, or one that refuses to ask: what it holds stands.
  }
  return notificationAccess();
}
