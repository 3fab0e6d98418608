// Starts the built server for one Playwright project, on a fresh database and data directory,
// and removes both when Playwright stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBackend } from '../apps/api/test/backends.ts';
import { TestOidcProvider } from '../apps/api/test/oidc-provider.ts';

const [kind, port] = process.argv.slice(2);
if ((kind !== 'embedded' && kind !== 'mysql-redis') || !port) {
  console.error('usage: serve.ts embedded|mysql-redis PORT');
  process.exit(2);
}

const dataDir = mkdtempSync(path.join(tmpdir(), `chat-e2e-${kind}-`));
const backend = await createBackend(kind === 'embedded' ? 'embedded' : 'mysql+redis', dataDir);
// An identity provider to sign in with: whoever names an account at its sign-in page is that
// account, with a verified address made from the name.
const oidcClient = { clientId: 'chat-e2e', clientSecret: 'chat-e2e-secret' };
const identityProvider = await TestOidcProvider.start({
  ...oidcClient,
  redirectUris: [`http://localhost:${port}/api/auth/oidc/local/callback`],
  accountFor: (id) => ({ email: `${id}@example.com`, email_verified: true, name: id }),
});
const server = spawn(process.execPath, [path.resolve('apps/api/dist/main.js')], {
  env: {
    ...process.env,
    ...backend.env,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: port,
    PUBLIC_URL: `http://localhost:${port}`,
    // A contact shows offline this long after their last tab closed; the default 10 s would slow the presence test.
    PRESENCE_GRACE_MS: '1500',
    // Each test browser sends its own X-Forwarded-For, so the per-address sign-up limit (10 an hour) counts per browser.
    TRUST_PROXY: '1',
    OIDC_PROVIDERS: 'local',
    OIDC_LOCAL_ISSUER: identityProvider.issuer,
    OIDC_LOCAL_CLIENT_ID: oidcClient.clientId,
    OIDC_LOCAL_CLIENT_SECRET: oidcClient.clientSecret,
    OIDC_LOCAL_LABEL: 'Local ID',
  },
  stdio: 'inherit',
});

let cleaning = false;
async function cleanUp(exitCode: number) {
  if (cleaning) return;
  cleaning = true;
  server.kill('SIGTERM');
  await new Promise((resolve) => (server.exitCode === null ? server.once('exit', resolve) : resolve(null)));
  await identityProvider.close();
  await backend.dispose();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(exitCode);
}
server.once('exit', (code) => void cleanUp(code ?? 1));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void cleanUp(0));
