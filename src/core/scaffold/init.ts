/**
 * `phoenix-deploy init` and the editor's "Create Deploy Config": what a phx.gen.release project
 * needs to deploy, as config/deploy.yml text plus the steps left to the user, in order. A managed
 * blue/green environment (the tool installs the units and nginx), health on `/` unless the router
 * has a health route, `bin/migrate` when the overlay exists, `os:` from the Dockerfile. Pure:
 * `renderInit` takes what `readInitFacts` read; both adapters call them, never write YAML themselves.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { CONFIG_PATH } from '../config/types';
import { readProjectFiles } from '../versions/check';
import { requiredSettingsOf, RUNTIME_CONFIG_FILES, fixCommand, type RequiredSetting } from '../settings/required';
import { detectProject, type ProjectFacts } from './detect';

export interface InitFacts extends ProjectFacts {
  /** config/deploy.yml exists: init never overwrites it. */
  hasConfig: boolean;
  /** `rel/overlays/bin/migrate` (phx.gen.release). */
  migrateOverlay: boolean;
  /** A route whose path names health (`get "/health"`), if the router has one. */
  healthRoute?: string;
  /** What runtime.exs cannot start without. */
  required: RequiredSetting[];
  /** The config reads PHX_HOST, so the hosts need it set to the domain. */
  readsPhxHost: boolean;
}

export interface InitInputs {
  /** Default `production`. */
  env?: string;
  /** `host` or `host:port`; none: a placeholder to edit. */
  hosts: readonly string[];
  /** nginx's server_name (and PHX_HOST); none: a placeholder. */
  domain?: string;
}

export interface InitResult {
  file: typeof CONFIG_PATH;
  text: string;
  /** What the user must still do, in order: set up the hosts, the settings, deploy. */
  nextSteps: string[];
  /** Things init could not learn (no mix.exs, no Dockerfile, placeholders written). */
  warnings: string[];
}

const HEALTH_ROUTE = /\b(?:get|forward)\s+"(\/[\w/.-]*health[\w/.-]*)"/i;

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

async function readOptional(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

/** The router of `<app>_web` (phx.new's layout), else none. */
function readRouter(root: string, app: string | undefined): Promise<string | undefined> {
  return app ? readOptional(path.join(root, 'lib', `${app}_web`, 'router.ex')) : Promise.resolve(undefined);
}

export async function readInitFacts(root: string): Promise<InitFacts> {
  const files = await readProjectFiles(root);
  const facts = detectProject(files);
  const runtime = (await Promise.all(RUNTIME_CONFIG_FILES.map(async (file) => ({ file, text: await readOptional(path.join(root, file)) }))))
    .flatMap((f) => (f.text === undefined ? [] : [{ file: f.file, text: f.text }]));
  const router = await readRouter(root, facts.app);
  return {
    ...facts,
    hasConfig: files.deployYml !== undefined || await exists(path.join(root, CONFIG_PATH)),
    migrateOverlay: await exists(path.join(root, 'rel/overlays/bin/migrate')),
    healthRoute: router ? HEALTH_ROUTE.exec(router.replace(/#.*$/gm, ''))?.[1] : undefined,
    required: requiredSettingsOf(runtime),
    readsPhxHost: runtime.some((f) => /System\.(?:get|fetch)_env!?\(\s*"PHX_HOST"/.test(f.text)),
  };
}

const HOST_WORD = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:]+\](?::\d{1,5})?$/;
const DOMAIN = /^(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;
const ENV_NAME = /^[a-z][a-z0-9_-]*$/;

/** Why an input cannot be written into the config, or undefined. The editor validates quick inputs with it. */
export function checkInitInput(kind: 'env' | 'host' | 'domain', value: string): string | undefined {
  if (kind === 'env') return ENV_NAME.test(value) ? undefined : `"${value}" is not an environment name: lowercase letters, digits, _ and -, e.g. production`;
  if (kind === 'host') return HOST_WORD.test(value) ? undefined : `"${value}" is not host or host:port, e.g. app1.example.com or 203.0.113.7:2222`;
  return DOMAIN.test(value) ? undefined : `"${value}" is not a domain name, e.g. shop.example.com`;
}

const yamlString = (s: string) => (/^[A-Za-z0-9._/-][A-Za-z0-9._/:-]*$/.test(s) ? s : JSON.stringify(s));

export function renderInit(facts: InitFacts, inputs: InitInputs): InitResult {
  const env = inputs.env ?? 'production';
  const problems = [checkInitInput('env', env), ...inputs.hosts.map((h) => checkInitInput('host', h)),
    inputs.domain !== undefined ? checkInitInput('domain', inputs.domain) : undefined].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const app = facts.app ?? 'my_app';
  const domain = inputs.domain ?? `${app.replace(/_/g, '-')}.example.com`;
  const hosts = inputs.hosts.length > 0 ? inputs.hosts : ['app1.example.com'];
  const warnings = [...facts.missing];
  if (inputs.hosts.length === 0) warnings.push(`no --host given: ${CONFIG_PATH} lists app1.example.com; put your hosts there`);
  if (inputs.domain === undefined) warnings.push(`no --domain given: proxy.server_name is ${domain}; put your domain there`);
  const health = facts.healthRoute ?? '/';
  const text = `# Phoenix Deploy configuration, written by \`phoenix-deploy init\`. Reference: README.md "Configuration".
app: ${app}
repo: origin                 # the central repository: a git remote name or URL
branch: main                 # only this branch's tip, as fetched from repo, is ever built
build:
  dockerfile: Dockerfile${facts.stages.length > 0 ? `     # stages: ${facts.stages.join(', ')}` : ''}
  target: ${facts.target ?? 'builder'}
  tool: auto
  mix_env: prod
environments:
  ${env}:
    user: deploy
    deploy_to: /opt/${app}
${facts.os ? `    os: ${facts.os}              # from the Dockerfile; checked against the hosts\n` : '    # os: debian-12          # what the hosts run; checked against the Dockerfile\n'}    hosts:
${hosts.map((h, i) => `      - ${yamlString(h)}${i === 0 ? '         # the primary: migrations run here' : ''}`).join('\n')}
    service: systemd           # setup installs the app's units and nginx site; the deploy drives them
    strategy: blue_green       # two slots behind nginx: a deploy drops no request
    proxy:
      listen: 80
      server_name: ${yamlString(domain)}
    health: { path: ${yamlString(health)}, expect: 200, timeout: 60 }
${facts.migrateOverlay ? '    migrate: bin/migrate       # in the new release, on the primary host, before the switch\n' : '    migrate: false\n'}    keep_releases: 5
`;
  return { file: CONFIG_PATH, text, nextSteps: nextSteps(facts, env, domain), warnings };
}

/** Set up, then the settings runtime.exs needs, then deploy: each an exact command. */
function nextSteps(facts: InitFacts, env: string, domain: string): string[] {
  const settings = facts.required.map((s) => `${fixCommand(s.key, env)}   # ${fixCommand(s.key, env).includes('--generate') ? 'a random secret, never printed' : `${s.file}:${s.line} cannot start without it`}`);
  if (facts.readsPhxHost) settings.push(`phoenix-deploy env set PHX_HOST=${domain} --env ${env}   # the host LiveView accepts sockets for`);
  return [
    `phoenix-deploy setup --admin <a user with sudo> --env ${env}   # installs the units, nginx and the deploy user's rights on each host`,
    ...settings,
    `phoenix-deploy deploy --env ${env}`,
  ];
}
