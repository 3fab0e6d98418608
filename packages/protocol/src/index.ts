export * from './entities.ts';
export * from './errors.ts';
export * from './rest/health.ts';
export * from './version.ts';
export * from './ws/client-frames.ts';
export * from './ws/limits.ts';
export * from './ws/parse.ts';
export * from './ws/server-frames.ts';
