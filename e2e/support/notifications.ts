import { expect, type Page } from '@playwright/test';
import type { Person } from './people.ts';

/** What the page handed to `new Notification(title, options)`. */
export interface RecordedNotification {
  title: string;
  body: string;
  tag: string;
}

declare global {
  interface Window {
    recordedNotifications: Array<RecordedNotification & { onclick: (() => void) | null }>;
    permissionRequests: number;
    setPageHidden(hidden: boolean): void;
  }
}

/**
 * Runs in the page before the app: `Notification` becomes a recorder that keeps what the app shows
 * (and lets the test click it), with the permission as given; and the tab's visibility
 * obeys the test, as a background tab's would.
 */
function installRecorder(permission: NotificationPermission): void {
  window.recordedNotifications = [];
  window.permissionRequests = 0;
  class RecordingNotification {
    static permission: NotificationPermission = permission;
    static async requestPermission(): Promise<NotificationPermission> {
      window.permissionRequests += 1;
      RecordingNotification.permission = 'granted';
      return 'granted';
    }
    onclick: (() => void) | null = null;
    readonly body: string;
    readonly tag: string;
    constructor(
      readonly title: string,
      options: NotificationOptions = {},
    ) {
      this.body = options.body ?? '';
      this.tag = options.tag ?? '';
      window.recordedNotifications.push(this);
    }
    close(): void {}
  }
  Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true, writable: true });
  let hidden = false;
  Object.defineProperty(document, 'visibilityState', {
    get: () => (hidden ? 'hidden' : 'visible'),
    configurable: true,
  });
  Object.defineProperty(document, 'hidden', { get: () => hidden, configurable: true });
  window.setPageHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

/**
 * Grants the permission to the context, records notifications in every page of it from now on, and
 * reloads. `default`: the page has not asked yet (a request is granted); `granted`: it asked before.
 */
export async function recordNotifications(
  person: Person,
  permission: 'default' | 'granted' = 'granted',
): Promise<void> {
  await person.context.grantPermissions(['notifications']);
  await person.context.addInitScript(installRecorder, permission);
  await person.page.reload();
  await expect(person.page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

export const notificationsOf = (page: Page): Promise<RecordedNotification[]> =>
  page.evaluate(() => window.recordedNotifications.map(({ title, body, tag }) => ({ title, body, tag })));

export const setHidden = (page: Page, hidden: boolean) => page.evaluate((value) => window.setPageHidden(value), hidden);

/** Clicks the newest notification, as the person would: the tab comes forward first. */
export async function clickLatestNotification(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.setPageHidden(false);
    window.recordedNotifications.at(-1)?.onclick?.();
  });
}
