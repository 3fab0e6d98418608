import { useSyncExternalStore } from 'react';
import { readSaved, writeSaved } from '../lib/saved.ts';
import { createStore } from '../lib/store.ts';

/**
 * What this browser keeps about alerts, per user. Kept here rather than as an account setting: a
 * sound is a matter of the device (the office laptop stays quiet, the one at home may chime), as
 * is the notification permission the browser itself keeps; and it costs no round trip.
 */
export interface AlertPreferences {
  /** A short sound with each alert. Off unless chosen: a page that suddenly makes noise surprises. */
  sound: boolean;
  /** The user said "Not now" to the offer to turn notifications on: it is not offered again here. */
  promptDismissed: boolean;
}

const KEY = 'alerts';
const DEFAULTS: AlertPreferences = { sound: false, promptDismissed: false };

/** Read from storage once per user, so that each read hands back the same object until a change. */
const loaded = new Map<number, AlertPreferences>();
const changes = createStore(0);

export function alertPreferences(userId: number): AlertPreferences {
  let preferences = loaded.get(userId);
  if (!preferences) {
    const saved = readSaved(userId, KEY);
    preferences = typeof saved === 'object' && saved !== null ? { ...DEFAULTS, ...saved } : DEFAULTS;
    loaded.set(userId, preferences);
  }
  return preferences;
}

export function changeAlertPreferences(userId: number, change: Partial<AlertPreferences>): void {
  const preferences = { ...alertPreferences(userId), ...change };
  loaded.set(userId, preferences);
  writeSaved(userId, KEY, preferences);
  changes.set((count) => count + 1);
}

export const useAlertPreferences = (userId: number): AlertPreferences =>
  useSyncExternalStore(changes.subscribe, () => alertPreferences(userId));
