// Bundles the server into dist/, with the workspace packages it imports (they ship as TypeScript).
// Third-party packages stay external: native addons (bcrypt, better-sqlite3) cannot be bundled.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'src/main.ts', migrate: 'src/migrate.ts', bot: 'src/bot/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  plugins: [
    {
      name: 'third-party-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@chat/') ? undefined : { external: true }));
      },
    },
  ],
  logLevel: 'warning',
});
