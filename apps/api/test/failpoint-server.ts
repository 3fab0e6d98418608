import { afterAll, beforeAll } from 'vitest';
import type { BackendKind } from './backends.ts';
import { freePort, type ServerProcess, spawnServer, waitUntilServing } from './process.ts';
import { createEnvironment, type TestEnvironment } from './server.ts';

export interface FailpointServer {
  readonly url: string;
  /** What the process printed so far: each failpoint it passes logs "failpoint <name> reached". */
  output(): string;
}

/**
 * A server process on a fresh `kind` environment with `failpoints` armed (the FAILPOINTS syntax),
 * for the tests of the calling describe block: started before them, killed after.
 */
export function serverWithFailpoints(kind: BackendKind, failpoints: string): FailpointServer {
  let environment: TestEnvironment;
  let server: ServerProcess;
  beforeAll(async () => {
    environment = await createEnvironment(kind);
    server = spawnServer(
      { ...environment.backend.env, TRUST_PROXY: '1', BOT_MODE: 'off', LOG_LEVEL: 'silent', FAILPOINTS: failpoints },
      await freePort(),
    );
    await waitUntilServing(server);
  });
  afterAll(async () => {
    server.child.kill('SIGKILL');
    await server.exited;
    await environment.dispose();
  });
  return {
    get url() {
      return server.url;
    },
    output: () => server.output(),
  };
}
