import { describe, expect, it } from 'vitest';
import { loggerSetup } from './logger.ts';

describe('log format', () => {
  it('auto: readable lines on a terminal, JSON lines into a pipe or file', () => {
    expect(loggerSetup({ logLevel: 'info', logFormat: 'auto' }, true).stream).toBeDefined();
    expect(loggerSetup({ logLevel: 'info', logFormat: 'auto' }, false)).toEqual({ level: 'info', stream: undefined });
  });

  it('an explicit LOG_FORMAT wins over the terminal check', () => {
    expect(loggerSetup({ logLevel: 'warn', logFormat: 'json' }, true)).toEqual({ level: 'warn', stream: undefined });
    expect(loggerSetup({ logLevel: 'warn', logFormat: 'pretty' }, false).stream).toBeDefined();
  });
});
