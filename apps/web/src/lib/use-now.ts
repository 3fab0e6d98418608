import { useSyncExternalStore } from 'react';

/** Relative times ("5 min") are coarse, so one shared tick twice a minute keeps them all current. */
const TICK_MS = 30_000;

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    clearInterval(timer);
    timer = undefined;
  };
}

/** The current time, re-rendering the caller as it moves on. */
export const useNow = (): number => useSyncExternalStore(subscribe, () => now);
