import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import type { Finding } from '../findings';
import type { BuildConfig, DeployConfig, EnvironmentConfig, HealthConfig, HostConfig } from './types';
import { readService } from './service';
import { readHooks, readLogs } from './hooks';
import { readInventorySource, readRollout } from './fleet';
import {
  ABS_PATH, APP_NAME, DOCKER_NAME, ENV_NAME, HOST_NAME, LOCAL_PATH, REF_NAME, REMOTE, SSH_CONFIG_PATH, truncate, USER_NAME, Validator, type RangeOf,
} from './validator';
import { readSharedPaths } from './sharedPaths';

export function validateConfig(doc: Document, file: string, rangeOf: RangeOf): { config?: DeployConfig; findings: Finding[] } {
  const v = new Validator(rangeOf, file);
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    v.error(undefined, `${file} is empty; it needs at least "environments"`);
    return { findings: v.findings };
  }
  const root = v.map(doc.contents, file, ['app', 'repo', 'branch', 'build', 'environments'], ['environments']);
  if (!root) return { findings: v.findings };

  const app = v.string(root, 'app', '', APP_NAME, 'a release name is lowercase letters, digits and _');
  const repo = v.string(root, 'repo', '', REMOTE, 'use a git remote name or URL') ?? 'origin';
  const branch = v.string(root, 'branch', '', REF_NAME, 'a branch name has no spaces or shell characters and does not start with "-"') ?? 'main';
  if (branch.includes('..')) v.error(v.get(root, 'branch'), 'branch must not contain ".."');
  const build = readBuild(v, root);
  const environments: Record<string, EnvironmentConfig> = {};
  const envsNode = v.get(root, 'environments');
  if (envsNode !== undefined) {
    if (!isMap(envsNode) || envsNode.items.length === 0) {
      v.error(envsNode, 'environments must be a mapping with at least one environment, e.g. production', root);
    } else {
      for (const pair of envsNode.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : '';
        if (!ENV_NAME.test(name)) {
          v.error(pair.key as Node, `environment name ${JSON.stringify(truncate(name))} must be letters, digits, _ or -`);
          continue;
        }
        const env = readEnvironment(v, name, pair.value as Node, pair.key as Node);
        if (env) environments[name] = env;
      }
    }
  }
  const config: DeployConfig = { app, repo, branch, build, environments };
  return { config, findings: v.findings };
}

function readBuild(v: Validator, root: YAMLMap): BuildConfig {
  const defaults: BuildConfig = { dockerfile: 'Dockerfile', tool: 'auto', mixEnv: 'prod' };
  const node = v.get(root, 'build');
  if (node === undefined) return defaults;
  const map = v.map(node, 'build', ['dockerfile', 'target', 'tool', 'mix_env', 'network'], []);
  if (!map) return defaults;
  const tool = v.string(map, 'tool', 'build', /^(auto|mix|distillery)$/, 'expected auto, mix or distillery') as BuildConfig['tool'] | undefined;
  const dockerfile = v.string(map, 'dockerfile', 'build', LOCAL_PATH) ?? defaults.dockerfile;
  if (dockerfile.split(/[\\/]/).includes('..') || dockerfile.startsWith('/')) {
    v.error(v.get(map, 'dockerfile'), 'build.dockerfile must be a path inside the project');
  }
  return {
    dockerfile,
    target: v.string(map, 'target', 'build', DOCKER_NAME, 'a Dockerfile stage name'),
    tool: tool ?? 'auto',
    mixEnv: v.string(map, 'mix_env', 'build', /^[a-z][a-z0-9_]{0,31}$/, 'a MIX_ENV is lowercase letters, digits and _') ?? 'prod',
    network: v.string(map, 'network', 'build', DOCKER_NAME, 'a Docker network name'),
  };
}

const ENV_KEYS = ['user', 'deploy_to', 'os', 'hosts', 'migrate', 'restart', 'restart_timeout', 'health', 'keep_releases', 'ssh',
  'service', 'strategy', 'ports', 'proxy', 'drain_timeout', 'hooks', 'logs', 'rollout', 'shared_paths'] as const;

function readEnvironment(v: Validator, name: string, node: Node, keyNode: Node): EnvironmentConfig | undefined {
  const where = `environments.${name}`;
  const map = v.map(node, where, ENV_KEYS, ['deploy_to', 'hosts'], keyNode);
  if (!map) return undefined;
  const user = v.string(map, 'user', where, USER_NAME, 'a Unix user name');
  const deployTo = v.string(map, 'deploy_to', where, ABS_PATH, 'an absolute path of letters, digits and ._/@+-');
  if (deployTo !== undefined && (deployTo.split('/').includes('..') || deployTo === '/')) {
    v.error(v.get(map, 'deploy_to'), `${where}.deploy_to must be an absolute path without ".." and not "/"`);
  }
  const os = v.string(map, 'os', where, /^[a-z]+-[a-z0-9.]+$/, 'e.g. debian-12, debian-bookworm, ubuntu-22.04, alpine-3.19');
  const hostsNode = v.get(map, 'hosts');
  const inventory = isMap(hostsNode) ? readInventorySource(v, hostsNode, where, map) : undefined;
  const hosts = isMap(hostsNode) ? (inventory ? [] : undefined) : readHosts(v, map, where, user);
  const rollout = readRollout(v, map, where);
  const migrate = v.command(map, 'migrate', where);
  const restart = v.command(map, 'restart', where);
  if (restart === false) v.error(v.get(map, 'restart'), `${where}.restart must be a command`);
  const restartTimeout = v.integer(map, 'restart_timeout', where, 1, 3600);
  const health = readHealth(v, map, where);
  const service = readService(v, map, where, health);
  if (!service.service && !map.has('restart')) {
    v.error(map, `${where} is missing the required key "restart" (or set "service: systemd" to let the tool manage the app's unit)`);
  }
  const hooks = readHooks(v, map, where);
  const logs = readLogs(v, map, where);
  const keepReleases = v.integer(map, 'keep_releases', where, 2, 100) ?? 5;
  const sharedPaths = readSharedPaths(v, map, where);
  const sshNode = v.get(map, 'ssh');
  let ssh = {};
  if (sshNode !== undefined) {
    const sshMap = v.map(sshNode, `${where}.ssh`, ['identity_file', 'known_hosts', 'config_file'], []);
    if (sshMap) {
      ssh = {
        identityFile: v.string(sshMap, 'identity_file', `${where}.ssh`, LOCAL_PATH),
        knownHosts: v.string(sshMap, 'known_hosts', `${where}.ssh`, LOCAL_PATH),
        configFile: v.string(sshMap, 'config_file', `${where}.ssh`, SSH_CONFIG_PATH,
          'an absolute path, a path starting with ~/, or none; no quotes, line breaks or leading "-"'),
      };
    }
  }
  if (deployTo === undefined || !hosts || (!Array.isArray(restart) && !service.service) || (map.has('rollout') && !rollout)) return undefined;
  return {
    name, user, deployTo, os, hosts, ...(inventory ? { inventory } : {}), ...(rollout ? { rollout } : {}),
    migrate: Array.isArray(migrate) ? migrate : undefined,
    ...(Array.isArray(restart) ? { restart } : {}), ...(restartTimeout !== undefined ? { restartTimeout } : {}), health, keepReleases, ssh,
    ...(hooks ? { hooks } : {}), ...(logs ? { logs } : {}), ...(sharedPaths ? { sharedPaths } : {}),
    ...service,
  };
}

function readHosts(v: Validator, map: YAMLMap, where: string, environmentUser: string | undefined): HostConfig[] | undefined {
  const node = v.get(map, 'hosts');
  if (node === undefined) return undefined;
  if (!isSeq(node) || node.items.length === 0) {
    v.error(node, `${where}.hosts must be a list with at least one host, or { inventory: FILE, group: GROUP } (an Ansible inventory)`, map);
    return undefined;
  }
  const hosts: HostConfig[] = [];
  node.items.forEach((item, index) => {
    const at = `${where}.hosts[${index}]`;
    if (isScalar(item) && typeof item.value === 'string') {
      const parsed = parseHostPort(item.value);
      if (!parsed) {
        v.error(item, `${at} ${JSON.stringify(truncate(item.value))} is not a host name or host:port`);
        return;
      }
      hosts.push({ ...parsed, ...writtenUser(undefined, environmentUser), primary: false });
      return;
    }
    const hostMap = v.map(item, at, ['host', 'port', 'user', 'primary'], ['host'], node);
    if (!hostMap) return;
    const host = v.string(hostMap, 'host', at, HOST_NAME, 'a host name or IP address');
    const port = v.integer(hostMap, 'port', at, 1, 65535);
    const user = v.string(hostMap, 'user', at, USER_NAME, 'a Unix user name');
    const primary = v.boolean(hostMap, 'primary', at) ?? false;
    if (host !== undefined) hosts.push({ host, ...(port !== undefined ? { port } : {}), ...writtenUser(user, environmentUser), primary });
  });
  if (hosts.length !== node.items.length) return undefined;
  const primaries = hosts.filter((h) => h.primary).length;
  if (primaries > 1) v.error(node, `${where}.hosts marks ${primaries} hosts as primary; at most one may be`);
  if (primaries === 0) hosts[0].primary = true;
  const seen = new Set<string>();
  node.items.forEach((item, index) => {
    const key = `${hosts[index].host}:${hosts[index].port ?? 22}`;
    if (seen.has(key)) v.error(item as Node, `${where}.hosts lists ${key} twice`);
    seen.add(key);
  });
  return hosts;
}

/** The user deploy.yml writes for a host, and where: the host's own `user:` wins over the environment's. */
function writtenUser(hostUser: string | undefined, environmentUser: string | undefined): Pick<HostConfig, 'user' | 'userFrom'> {
  if (hostUser !== undefined) return { user: hostUser, userFrom: 'host' };
  return environmentUser !== undefined ? { user: environmentUser, userFrom: 'environment' } : {};
}

function parseHostPort(value: string): { host: string; port?: number } | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match || !HOST_NAME.test(match[1])) return undefined;
  if (!match[2]) return { host: match[1] };
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1], port };
}

function readHealth(v: Validator, map: YAMLMap, where: string): HealthConfig | undefined {
  const node = v.get(map, 'health');
  if (node === undefined) return undefined;
  const at = `${where}.health`;
  const health = v.map(node, at, ['url', 'path', 'expect', 'timeout'], [], map);
  if (!health) return undefined;
  if (!health.has('url') && !health.has('path')) {
    v.error(health, `${at} needs "url" (e.g. http://127.0.0.1:4000/health) or "path" (e.g. /health, checked on the app's port)`);
    return undefined;
  }
  const url = v.string(health, 'url', at, /^https?:\/\/[^\s]+$/, 'an http:// or https:// URL');
  if (url !== undefined && !URL.canParse(url)) {
    v.error(v.get(health, 'url'), `${at}.url ${JSON.stringify(truncate(url))} is not a valid URL`);
    return undefined;
  }
  const path = v.string(health, 'path', at, /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,1023}$/, 'a path on the app, starting with "/", e.g. /health');
  if ((health.has('url') && url === undefined) || (health.has('path') && path === undefined)) return undefined;
  return {
    ...(url !== undefined ? { url } : {}), ...(path !== undefined ? { path } : {}),
    expect: v.integer(health, 'expect', at, 100, 599) ?? 200, timeout: v.integer(health, 'timeout', at, 1, 3600) ?? 30,
  };
}

