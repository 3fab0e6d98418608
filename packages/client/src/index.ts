export * from './api.ts';
export * from './backoff.ts';
export * from './realtime.ts';
export * from './sequencer.ts';
