import type { Presence } from '@chat/protocol';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const startOfDay = (ms: number) => new Date(ms).setHours(0, 0, 0, 0);
const calendarDaysBetween = (earlier: number, later: number) =>
  Math.round((startOfDay(later) - startOfDay(earlier)) / DAY);

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const longDate = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
  year: 'numeric',
});
const fullDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** "14:05" (in the reader's locale): the time under a message. */
export const clockTime = (ms: number) => clock.format(ms);

/** The full date and time, for a tooltip. */
export const fullTime = (ms: number) => fullDateTime.format(ms);

/** A compact age for lists, where space is short: "now", "5 min", "3 h", "2 d", then the date. */
export function shortAge(ms: number, now: number): string {
  const age = Math.max(0, now - ms);
  if (age < MINUTE) return 'now';
  if (age < HOUR) return `${Math.floor(age / MINUTE)} min`;
  if (age < DAY) return `${Math.floor(age / HOUR)} h`;
  if (age < 7 * DAY) return `${Math.floor(age / DAY)} d`;
  return shortDate.format(ms);
}

/** "just now", "5 minutes ago", "yesterday"…: how long ago, in words. */
export function timeAgo(ms: number, now: number): string {
  const age = Math.max(0, now - ms);
  if (age < MINUTE) return 'just now';
  if (age < HOUR) return plural(Math.floor(age / MINUTE), 'minute');
  if (age < DAY) return plural(Math.floor(age / HOUR), 'hour');
  if (calendarDaysBetween(ms, now) === 1) return 'yesterday';
  if (age < 7 * DAY) return plural(Math.round(age / DAY), 'day');
  return `on ${shortDate.format(ms)}`;
}

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'} ago`;

/** What a contact's status line says about their presence (null: unknown, our own connection is down). */
export function presenceText(presence: Presence | null, now: number): string {
  if (presence === null) return 'Connecting…';
  if (presence.online) return 'Online';
  if (presence.lastSeenAt === null) return 'Offline';
  return `Last seen ${timeAgo(presence.lastSeenAt, now)}`;
}

/** The label of a day separator in a conversation: "Today", "Yesterday", "Monday", then the date. */
export function dayLabel(ms: number, now: number): string {
  const days = calendarDaysBetween(ms, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days < 7) return weekday.format(ms);
  return longDate.format(ms);
}

/** True when both instants fall on the same calendar day where the reader is. */
export const sameDay = (a: number, b: number) => startOfDay(a) === startOfDay(b);
