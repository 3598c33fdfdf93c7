/**
 * Fleet keys of an environment: `hosts: { inventory, group }` (the hosts come from an Ansible
 * inventory, read when the config is loaded: see project/inventory.ts) and `rollout: { canary,
 * batch, pause }`. Every wrong value is a finding at its own line.
 */
import { isScalar, type Node, type YAMLMap } from 'yaml';
import type { InventorySource, RolloutConfig } from './types';
import type { Validator } from './validator';

// Passed to `ansible-inventory -i`: never read as an option, and no comma (which makes -i a host list).
const INVENTORY_PATH = /^[^\0\n\r,-][^\0\n\r,]{0,1023}$/;
const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

export function readInventorySource(v: Validator, node: YAMLMap, where: string, parent: Node): InventorySource | undefined {
  const at = `${where}.hosts`;
  const map = v.map(node, at, ['inventory', 'group'], ['inventory', 'group'], parent);
  if (!map) return undefined;
  const file = v.string(map, 'inventory', at, INVENTORY_PATH, 'a path to an Ansible inventory file (INI or YAML), relative to the project; no commas, not starting with "-"');
  const group = v.string(map, 'group', at, GROUP_NAME, 'an Ansible group name: letters, digits, _ (and - or .)');
  return file !== undefined && group !== undefined ? { file, group } : undefined;
}

export function readRollout(v: Validator, map: YAMLMap, where: string): RolloutConfig | undefined {
  const node = v.get(map, 'rollout');
  if (node === undefined) return undefined;
  const at = `${where}.rollout`;
  const rollout = v.map(node, at, ['canary', 'batch', 'pause'], [], map);
  if (!rollout) return undefined;
  const canary = v.integer(rollout, 'canary', at, 0, 1000);
  const pause = v.integer(rollout, 'pause', at, 0, 3600);
  const batch = readBatch(v, rollout, at);
  if (!rollout.has('canary') && !rollout.has('batch')) {
    v.error(rollout, `${at} needs "canary" (hosts switched first, e.g. 1) and/or "batch" (hosts per batch, e.g. 2 or "25%")`);
    return undefined;
  }
  if ((rollout.has('canary') && canary === undefined) || (rollout.has('pause') && pause === undefined) || (rollout.has('batch') && batch === undefined)) return undefined;
  return { canary: canary ?? 0, ...(batch ? { batch } : {}), pause: pause ?? 0 };
}

function readBatch(v: Validator, rollout: YAMLMap, at: string): RolloutConfig['batch'] {
  if (!rollout.has('batch')) return undefined;
  const node = v.get(rollout, 'batch');
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10000) return { count: value };
  const percent = typeof value === 'string' ? /^(\d{1,3})%$/.exec(value) : null;
  if (percent && Number(percent[1]) >= 1 && Number(percent[1]) <= 100) return { percent: Number(percent[1]) };
  v.error(node, `${at}.batch must be a number of hosts from 1 to 10000 (e.g. 2) or a percentage of all hosts from 1% to 100% (e.g. "25%")`, rollout);
  return undefined;
}
