/**
 * The dependency order, checked in CI (`pnpm lint:deps`). On the server each capability may use
 * the ones before it in LAYERS and never one after it: where a lower one must make a higher one
 * act, it raises an event (auth's sessionsEnded, chat's conversationStarted) or takes a port
 * (users' PublicUsers.usePresence) instead of importing it. Packages point one way too:
 * protocol ← client ← web, and nothing imports the server.
 */
const LAYERS = [
  ['config', 'infra', 'http'],
  ['users', 'mail'],
  ['auth'],
  ['uploads'],
  ['gateway'],
  ['chat'],
  ['presence'],
  ['directory', 'settings', 'profile', 'health', 'web', 'metrics', 'missed-mail', 'account', 'search'],
  ['bot'],
];

const folder = (names) => `^apps/api/src/(${names.join('|')})/`;

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.join('+')}`,
  comment: `${layer.join(', ')} may not depend on ${LAYERS.slice(i + 1)
    .flat()
    .join(', ')}`,
  severity: 'error',
  from: { path: folder(layer), pathNot: '\\.test\\.ts$' },
  to: { path: folder(LAYERS.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle hides which module is the lower one.',
      severity: 'error',
      from: { pathNot: '\\.test\\.ts$' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'protocol-stands-alone',
      severity: 'error',
      from: { path: '^packages/protocol/' },
      to: { path: '^(apps|packages/client)/' },
    },
    {
      name: 'client-only-on-protocol',
      severity: 'error',
      from: { path: '^packages/client/' },
      to: { path: '^apps/' },
    },
    {
      name: 'web-never-imports-the-server',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^apps/api/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
