import pretty from 'pino-pretty';
import type { Config, LogLevel } from '../config/config.ts';

/** Where log lines go: pino's destination, as Fastify's `logger.stream` takes it. */
export interface LogStream {
  write(line: string): void;
}

export interface LoggerSetup {
  level: LogLevel;
  stream?: LogStream;
}

/**
 * JSON lines (what log collectors read) unless a person reads them: with LOG_FORMAT=auto, a terminal
 * on stdout gets pino-pretty's coloured lines. Pretty-printing runs in the process, which is fine
 * for one developer's terminal and never used in production, where stdout is a pipe.
 */
export function loggerSetup(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  stdoutIsTTY: boolean,
  stream?: LogStream,
): LoggerSetup {
  const readable = config.logFormat === 'pretty' || (config.logFormat === 'auto' && stdoutIsTTY);
  if (stream || !readable) return { level: config.logLevel, stream };
  return {
    level: config.logLevel,
    stream: pretty({ colorize: stdoutIsTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }),
  };
}
