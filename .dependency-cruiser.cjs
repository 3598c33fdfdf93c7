/**
 * Dependency rules, checked by `npm test`'s lint layer (`npx depcruise src test bench`):
 * - no import cycles, type-only imports included;
 * - src/core is pure: it never imports `vscode`, src/vscode, src/cli or the extension's entry;
 * - src/core's layers point one way. A folder (or top-level file) of src/core may import its own
 *   layer and the layers above it in this list, never one below:
 *     1. base:      shell (commands as data, quoting), remoteQuery (a command with its parser), errors, findings
 *     2. model:     config, versions, project, release, tools, scaffold, settings (read and check local files)
 *     3. reach:     ssh, docker, git, remote, host, probe, hooks, appSays (talk to hosts, Docker and git;
 *                   ssh/runQuery.ts is the one way a command runs on a host)
 *     4. plan:      plan (named steps, the runner, events)
 *     5. fleet:     fleet (who changes the fleet, its hosts' connections, running work on each host)
 *     6. engines:   releaseBuild, deploy (building a release, and deploying, rolling back, restarting)
 *     7. features:  check, env, logs, node, setup (built on the fleet layer),
 *                   usecases (the flows both adapters run: unlock, remote options, what changed, a run's failure)
 * - of the features, only env and usecases may import deploy; env only deploy/liveRestart.ts
 *   (`env set --restart` restarts the live release; deploy's types it holds come from there too);
 *   check, logs, node and setup reach hosts through the fleet layer alone.
 */
const LAYERS = [
  ['shell', 'remoteQuery', 'errors', 'findings'],
  ['config', 'versions', 'project', 'release', 'tools', 'scaffold', 'settings', 'runtime'],
  ['ssh', 'docker', 'git', 'remote', 'host', 'probe', 'hooks', 'appSays'],
  ['plan'],
  ['fleet'],
  ['releaseBuild', 'deploy'],
  ['check', 'env', 'logs', 'node', 'setup', 'usecases'],
];
const inCore = (names) => `^src/core/(${names.join('|')})(/|\\.ts$)`;

const layerRules = LAYERS.slice(0, -1).map((names, i) => ({
  name: `core-layer-${i + 1}`,
  comment: `src/core/{${names.join(',')}} must not import a later layer (see the list at the top of .dependency-cruiser.cjs)`,
  severity: 'error',
  from: { path: inCore(names) },
  to: { path: inCore(LAYERS.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles, type-only ones included, hide which module owns what.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment: 'src/core is shared by the extension and the CLI: no vscode, no adapter code.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: ['^vscode$', 'node_modules/@types/vscode/', '^src/vscode/', '^src/cli/', '^src/extension\\.ts$'] },
    },
    {
      name: 'core-layer-known',
      comment: 'Every folder of src/core belongs to a layer: add a new one to LAYERS in .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: inCore(LAYERS.flat()) },
      to: {},
    },
    ...layerRules,
    {
      name: 'features-beside-deploy',
      comment: 'check, logs, node and setup reach hosts through src/core/fleet, not through the deploy engine.',
      severity: 'error',
      from: { path: inCore(['check', 'logs', 'node', 'setup']) },
      to: { path: inCore(['deploy']) },
    },
    {
      name: 'env-restarts-through-one-door',
      comment: 'env borrows the deploy engine only to restart the live release, through deploy/liveRestart.ts (which also exports the types env holds).',
      severity: 'error',
      from: { path: inCore(['env']) },
      to: { path: inCore(['deploy']), pathNot: '^src/core/deploy/liveRestart\\.ts$' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist)/' },
  },
};
