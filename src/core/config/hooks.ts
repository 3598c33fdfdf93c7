/**
 * `hooks:` (commands around the named deploy steps) and `logs:` (how to read a host's log when the
 * tool does not manage it). Every command is split like `restart` and `migrate`: one program and
 * its words, no shell syntax. Each wrong value is a finding at its own line.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { HookCommand, HookPosition, HooksConfig, LogsConfig } from './types';
import type { Validator } from './validator';

/** Where each position may run: before connecting and after a failure only this machine is certain. */
export const HOOK_PLACES: Record<HookPosition, ReadonlyArray<HookCommand['where']>> = {
  before_deploy: ['local'],
  after_prepare: ['local', 'remote'],
  after_switch: ['local', 'remote'],
  after_deploy: ['local', 'remote'],
  after_failure: ['local'],
};

export const HOOK_POSITIONS = Object.keys(HOOK_PLACES) as HookPosition[];

export function readHooks(v: Validator, map: YAMLMap, where: string): HooksConfig | undefined {
  const node = v.get(map, 'hooks');
  if (node === undefined) return undefined;
  const at = `${where}.hooks`;
  const hooksMap = v.map(node, at, HOOK_POSITIONS, [], map);
  if (!hooksMap) return undefined;
  const hooks: HooksConfig = {};
  for (const position of HOOK_POSITIONS) {
    if (!hooksMap.has(position)) continue;
    const list = readHookList(v, v.get(hooksMap, position), `${at}.${position}`, HOOK_PLACES[position], hooksMap);
    if (list) hooks[position] = list;
  }
  return hooks;
}

function readHookList(v: Validator, node: Node | undefined, at: string, places: ReadonlyArray<HookCommand['where']>, parent: Node): HookCommand[] | undefined {
  const example = places.map((p) => `{ ${p}: ./bin/notify }`).join(' or ');
  if (!isSeq(node)) {
    v.error(node, `${at} must be a list of commands, e.g. [ ${example} ]`, parent);
    return undefined;
  }
  const commands: HookCommand[] = [];
  node.items.forEach((item, i) => {
    const label = `${at}[${i}]`;
    if (!isMap(item) || item.items.length !== 1 || !isScalar(item.items[0].key)) {
      v.error(item as Node, `${label} must be one of ${example}`, node);
      return;
    }
    const pair = item.items[0];
    const key = String((pair.key as { value: unknown }).value);
    if (key !== 'local' && key !== 'remote') {
      v.error(pair.key as Node, `${label} must say where it runs: "local" (in the project directory) or "remote" (on every host, in the new release)`);
      return;
    }
    if (!places.includes(key)) {
      v.error(pair.key as Node, `${label}: ${at.split('.').pop()} hooks run ${places.join(' or ')} only (${key === 'remote' ? 'no host connection is certain there' : 'it runs on the hosts'})`);
      return;
    }
    const argv = v.commandWords(pair.value as Node, `${label}.${key}`, '', item);
    if (argv) commands.push({ where: key, argv });
  });
  return commands.length === node.items.length ? commands : undefined;
}

export function readLogs(v: Validator, map: YAMLMap, where: string): LogsConfig | undefined {
  const node = v.get(map, 'logs');
  if (node === undefined) return undefined;
  const at = `${where}.logs`;
  if (isScalar(node)) {
    const command = v.commandWords(node, at, ' or { command, follow }', map);
    return command && { command };
  }
  const logs = v.map(node, at, ['command', 'follow'], ['command'], map);
  if (!logs) return undefined;
  const command = logs.has('command') ? v.commandWords(v.get(logs, 'command'), `${at}.command`, '', logs) : undefined;
  const follow = logs.has('follow') ? v.commandWords(v.get(logs, 'follow'), `${at}.follow`, '', logs) : undefined;
  if (!command || (logs.has('follow') && !follow)) return undefined;
  return { command, ...(follow ? { follow } : {}) };
}
