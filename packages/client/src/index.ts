export * from './api.ts';
export * from './backoff.ts';
export * from './connection.ts';
export * from './outbox-storage.ts';
export * from './realtime.ts';
export * from './send-ledger.ts';
export * from './sequencer.ts';
