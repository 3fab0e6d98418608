import { describe, expect, it } from 'vitest';
import type { Connection } from '../gateway/connection.ts';
import { Watchers } from './watchers.ts';

const connectionOf = (userId: number) => ({ userId }) as Connection;

describe('Watchers across a block', () => {
  it('a hidden peer hears nothing and is not snapshotted, but is watched again once unhidden', () => {
    const watchers = new Watchers();
    const bob = connectionOf(2);
    watchers.open(bob);
    watchers.hide(bob, 1);
    expect(watchers.addPeers(bob, [1, 3])).toEqual([3]);
    expect(watchers.setView(bob, [1, 4])).toEqual([4]);
    expect([...watchers.watchersOf(1)]).toEqual([]);
    expect(watchers.watchedBy(bob).sort()).toEqual([3, 4]);

    expect(watchers.unhide(bob, 1)).toBe(true);
    expect([...watchers.watchersOf(1)]).toEqual([bob]);
    expect(watchers.watchedBy(bob).sort()).toEqual([1, 3, 4]);
  });

  it('hiding stops a watch at once; unhiding someone the connection does not show watches nothing', () => {
    const watchers = new Watchers();
    const bob = connectionOf(2);
    watchers.open(bob);
    watchers.addPeers(bob, [1]);
    watchers.hide(bob, 1);
    expect([...watchers.watchersOf(1)]).toEqual([]);
    watchers.hide(bob, 5);
    expect(watchers.unhide(bob, 5)).toBe(false);
    expect([...watchers.watchersOf(5)]).toEqual([]);
  });

  it('a view change keeps a hidden user hidden', () => {
    const watchers = new Watchers();
    const bob = connectionOf(2);
    watchers.open(bob);
    watchers.hide(bob, 1);
    watchers.setView(bob, [1]);
    watchers.setView(bob, []);
    watchers.setView(bob, [1]);
    expect([...watchers.watchersOf(1)]).toEqual([]);
  });
});
