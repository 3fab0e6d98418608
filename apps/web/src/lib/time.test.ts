import { describe, expect, it } from 'vitest';
import { dayLabel, presenceText, shortAge, timeAgo } from './time.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const now = new Date(2024, 5, 15, 12).getTime();

describe('relative times', () => {
  it('shortens ages for lists', () => {
    expect(shortAge(now - 20_000, now)).toBe('now');
    expect(shortAge(now - 5 * MINUTE, now)).toBe('5 min');
    expect(shortAge(now - 3 * HOUR, now)).toBe('3 h');
    expect(shortAge(now - 50 * HOUR, now)).toBe('2 d');
  });

  it('tells how long ago someone was seen', () => {
    expect(presenceText(null, now)).toBe('Connecting…');
    expect(presenceText({ online: true, lastSeenAt: null, version: 1 }, now)).toBe('Online');
    expect(presenceText({ online: false, lastSeenAt: null, version: 1 }, now)).toBe('Offline');
    expect(presenceText({ online: false, lastSeenAt: now - 10_000, version: 1 }, now)).toBe('Last seen just now');
    expect(presenceText({ online: false, lastSeenAt: now - MINUTE, version: 1 }, now)).toBe('Last seen 1 minute ago');
    expect(timeAgo(now - 2 * HOUR, now)).toBe('2 hours ago');
    expect(timeAgo(new Date(2024, 5, 14, 9).getTime(), now)).toBe('yesterday');
  });

  it('names the days of a conversation', () => {
    expect(dayLabel(now - HOUR, now)).toBe('Today');
    expect(dayLabel(new Date(2024, 5, 14, 23).getTime(), now)).toBe('Yesterday');
  });
});
