import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_ROOT } from './built.ts';
import { type ChildProcessHandle, freePort, spawnNode, waitUntilServing } from './process.ts';

/**
 * There is no Docker engine on the test machines, so this builds the image's file layout with the
 * Dockerfile's own step (scripts/image-layout.sh) and starts the server from it as the image's CMD
 * would, with the image's ENV: a server that needs anything outside that layout fails here.
 */
const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

function instruction(stage: string, name: string): string {
  const line = stage.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`the Dockerfile's final stage has no ${name}`);
  return line.slice(name.length + 1).trim();
}

/** `ENV A=1 B=2`, as the final stage sets them. */
function imageEnv(): Record<string, string> {
  return Object.fromEntries(
    instruction(finalStage, 'ENV')
      .split(/\s+/)
      .map((pair) => pair.split('=', 2)),
  ) as Record<string, string>;
}

/** Exec-form `CMD ["node", …]` (and HEALTHCHECK's CMD) as node's arguments. */
function nodeArgs(execForm: string): string[] {
  const [binary, ...args] = JSON.parse(execForm) as string[];
  if (binary !== 'node') throw new Error(`expected the command to run node, got ${binary}`);
  return args;
}

describe('the production image', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'chat-image-'));
  const layout = path.join(root, 'app');
  const dataDir = path.join(root, 'data');
  let server: ChildProcessHandle & { url: string };

  beforeAll(async () => {
    ensureBuilt();
    const layoutStep = /sh scripts\/image-layout\.sh (\S+)/.exec(dockerfile);
    const copy = /COPY --from=build (\S+) (\S+)/.exec(finalStage);
    expect(layoutStep?.[1]).toBe(copy?.[1]);
    expect(copy?.[2]).toBe(instruction(finalStage, 'WORKDIR'));
    execFileSync('sh', [path.join(REPO_ROOT, 'scripts/image-layout.sh'), layout], { stdio: 'inherit' });

    // Paths under the image's WORKDIR point into the layout; the data volume into a folder of ours.
    const workdir = instruction(finalStage, 'WORKDIR');
    const env = Object.fromEntries(
      Object.entries(imageEnv()).map(([name, value]) => [name, value.replace(workdir, layout)]),
    );
    const port = await freePort();
    server = {
      ...spawnNode(
        nodeArgs(instruction(finalStage, 'CMD')),
        {
          ...env,
          HOST: '127.0.0.1',
          PORT: String(port),
          DATA_DIR: dataDir,
          SESSION_SECRET: 'a'.repeat(64),
          LOG_LEVEL: 'warn',
        },
        layout,
      ),
      url: `http://127.0.0.1:${port}`,
    };
    await waitUntilServing(server);
  });

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    rmSync(root, { recursive: true, force: true });
  });

  it('starts from its own layout on the embedded default and is ready', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: true } });
  });

  it('serves the web client and its scripts', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect((await fetch(`${server.url}${script}`)).status).toBe(200);
  });

  it('passes its own HEALTHCHECK', () => {
    const healthcheck = /^HEALTHCHECK .*?CMD (\[.*\])$/m.exec(finalStage)?.[1];
    expect(healthcheck).toBeDefined();
    const probe = spawnSync(process.execPath, nodeArgs(healthcheck as string), {
      env: { PORT: new URL(server.url).port },
      timeout: 10_000,
    });
    expect(probe.status).toBe(0);
  });

  it('runs as an unprivileged user', () => {
    expect(instruction(finalStage, 'USER')).not.toMatch(/^(root|0)(:|$)/);
  });
});

describe('docker-compose.yml', () => {
  const compose = readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');

  it('pins every image to a version', () => {
    const images = [...compose.matchAll(/^\s*image:\s*(\S+)/gm)].map((m) => m[1] as string);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image, image).toMatch(/:v?\d+\.\d+/);
  });

  it('takes SESSION_SECRET from the environment and refuses to start without it', () => {
    expect(compose).toMatch(/SESSION_SECRET:\s*\$\{SESSION_SECRET:\?[^}]+\}/);
    expect(compose.match(/^\s*SESSION_SECRET:/gm)).toHaveLength(1);
  });
});

describe('the pnpm version', () => {
  it('is pinned in package.json, and the start and test scripts and the image install that one', () => {
    const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
    const pinned = (JSON.parse(read('package.json')) as { packageManager?: string }).packageManager;
    expect(pinned).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    const sourced = execFileSync('sh', ['-c', '. scripts/pnpm.sh && echo "$PNPM_VERSION"'], { cwd: REPO_ROOT });
    expect(`pnpm@${sourced.toString().trim()}`).toBe(pinned);
    expect(dockerfile).toContain('npm install --global "$(node -p "require(\'./package.json\').packageManager")"');
  });
});
