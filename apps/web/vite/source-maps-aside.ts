import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * Moves the build's source maps out of the served folder into `dir`: they hold the whole source,
 * which is for our debugging (load them into the browser's devtools by hand), not for the public.
 * Used with `sourcemap: 'hidden'`, so the scripts do not point at maps that are not there.
 */
export function sourceMapsAside(dir: string): Plugin {
  return {
    name: 'chat:source-maps-aside',
    apply: 'build',
    buildStart() {
      rmSync(dir, { recursive: true, force: true });
    },
    writeBundle(options, bundle) {
      const outDir = options.dir ?? 'dist';
      for (const fileName of Object.keys(bundle)) {
        if (!fileName.endsWith('.map')) continue;
        const target = path.join(dir, fileName);
        mkdirSync(path.dirname(target), { recursive: true });
        renameSync(path.join(outDir, fileName), target);
      }
    },
  };
}
