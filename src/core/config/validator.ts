/**
 * The checks every part of deploy.yml is read with: the Validator (each finding at its line),
 * and the patterns for values that reach a shell or a command line. schema.ts and the section
 * readers (service, hooks, fleet) all import them from here.
 */
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import type { Finding, SourceRange } from '../findings';
import { splitCommandWords } from './words';

export type RangeOf = (node: Node | null | undefined) => SourceRange | undefined;

// Values that reach a remote shell or a command line are constrained here, then quoted anyway.
export const APP_NAME = /^[a-z][a-z0-9_]{0,63}$/;
export const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/;
export const HOST_NAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]+\])$/;
export const ABS_PATH = /^\/[A-Za-z0-9._/@+-]{0,255}$/;
export const REF_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;
export const REMOTE = /^[A-Za-z0-9][A-Za-z0-9._@:/+~-]{0,499}$/;
export const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const DOCKER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const LOCAL_PATH = /^[^\0\n\r]{1,1024}$/;
// Passed to `ssh -F` and written into an `Include` line, so no quotes, and never read as an option.
export const SSH_CONFIG_PATH = /^(?:none|~?\/[^\0\n\r"]{0,1023})$/;

export const at = (where: string, key: string) => (where ? `${where}.${key}` : key);

export class Validator {
  readonly findings: Finding[] = [];
  constructor(private readonly rangeOf: RangeOf, private readonly file: string) {}

  error(node: Node | null | undefined, message: string, fallback?: Node | null) {
    const range = this.rangeOf(node) ?? this.rangeOf(fallback) ??
      { file: this.file, line: 1, column: 1, endLine: 1, endColumn: 1 };
    this.findings.push({ ...range, severity: 'error', code: 'config-invalid', message });
  }

  /** The line of a node in the file (for values checked later, on a host). */
  lineOf(node: Node | null | undefined): number | undefined {
    return this.rangeOf(node)?.line;
  }

  /** Checks a mapping's keys: unknown ones are errors, required ones must be present. */
  map(node: unknown, where: string, allowed: readonly string[], required: readonly string[], parent?: Node): YAMLMap | undefined {
    if (!isMap(node)) {
      this.error(node as Node, `${where} must be a mapping`, parent);
      return undefined;
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !allowed.includes(key)) {
        this.error(pair.key as Node, `unknown key "${key ?? '?'}" in ${where}; expected one of: ${allowed.join(', ')}`);
      }
    }
    for (const key of required) {
      if (!node.has(key)) this.error(node, `${where} is missing the required key "${key}"`);
    }
    return node;
  }

  get(map: YAMLMap, key: string): Node | undefined {
    const value = map.get(key, true) as Node | undefined;
    return value ?? undefined;
  }

  string(map: YAMLMap, key: string, where: string, pattern?: RegExp, hint?: string): string | undefined {
    if (!map.has(key)) return undefined;
    const node = this.get(map, key);
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.error(node, `${at(where, key)} must be a string`, map);
      return undefined;
    }
    if (pattern && !pattern.test(node.value)) {
      this.error(node, `${at(where, key)} ${JSON.stringify(truncate(node.value))} is not valid${hint ? `: ${hint}` : ''}`);
      return undefined;
    }
    return node.value;
  }

  integer(map: YAMLMap, key: string, where: string, min: number, max: number): number | undefined {
    if (!map.has(key)) return undefined;
    const node = this.get(map, key);
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value) || node.value < min || node.value > max) {
      this.error(node, `${at(where, key)} must be an integer from ${min} to ${max}`, map);
      return undefined;
    }
    return node.value;
  }

  boolean(map: YAMLMap, key: string, where: string): boolean | undefined {
    if (!map.has(key)) return undefined;
    const node = this.get(map, key);
    if (!isScalar(node) || typeof node.value !== 'boolean') {
      this.error(node, `${at(where, key)} must be true or false`, map);
      return undefined;
    }
    return node.value;
  }

  command(map: YAMLMap, key: string, where: string): string[] | false | undefined {
    if (!map.has(key)) return undefined;
    const node = this.get(map, key);
    if (isScalar(node) && node.value === false) return false;
    return this.commandWords(node, at(where, key), key === 'migrate' ? ' or false' : '', map);
  }

  /** A command string at `node`, split into argv like a shell would, with shell syntax refused. */
  commandWords(node: Node | undefined, label: string, alternatives = '', parent?: Node): string[] | undefined {
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.error(node, `${label} must be a command string${alternatives}`, parent);
      return undefined;
    }
    const words = splitCommandWords(node.value);
    if (!words.ok) {
      this.error(node, `${label} ${words.error}`);
      return undefined;
    }
    if (words.words[0].startsWith('-')) {
      this.error(node, `${label} must start with a program, not an option`);
      return undefined;
    }
    return words.words;
  }
}

/** A value quoted back in a finding, cut to a readable length. */
export function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
