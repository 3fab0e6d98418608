/** The environment as the configuration reads it. */
export type Env = Record<string, string | undefined>;

/** A variable that is missing or wrong; its message starts with the variable's name. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** A variable's value, trimmed; an empty one counts as unset. */
export function readVar(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
