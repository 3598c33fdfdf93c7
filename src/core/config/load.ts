import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node, type Document } from 'yaml';
import type { Finding, SourceRange } from '../findings';
import { CONFIG_PATH, type DeployConfig } from './types';
import { validateConfig } from './schema';

export interface LoadedConfig {
  /** Present only when the file has no errors. */
  config?: DeployConfig;
  findings: Finding[];
  text: string;
  /** Source range of the value at a key path, e.g. ['environments', 'production', 'os']. */
  rangeOf(path: ReadonlyArray<string | number>): SourceRange | undefined;
}

/** Parses config/deploy.yml text. Never throws: every problem becomes a `config-invalid` finding. */
export function parseDeployConfig(text: string, file = CONFIG_PATH): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const rangeOfNode = (node: Node | null | undefined): SourceRange | undefined => {
    if (!node?.range) return undefined;
    return toRange(file, lineCounter, node.range[0], node.range[1]);
  };
  const rangeOf = (path: ReadonlyArray<string | number>) => rangeOfNode(nodeAt(doc, path));
  const findings: Finding[] = [];
  for (const error of doc.errors) {
    const [start, end] = error.pos;
    findings.push({
      ...toRange(file, lineCounter, start, Math.max(end, start + 1)),
      severity: 'error',
      code: 'config-invalid',
      message: `${CONFIG_PATH}: ${firstLine(error.message)}`,
    });
  }
  if (findings.length > 0) return { findings, text, rangeOf };
  const result = validateConfig(doc, file, rangeOfNode);
  findings.push(...result.findings);
  return { config: findings.some((f) => f.severity === 'error') ? undefined : result.config, findings, text, rangeOf };
}

/** The node at a key path; for a missing key, the nearest existing parent's key. */
export function nodeAt(doc: Document, path: ReadonlyArray<string | number>): Node | undefined {
  let node: unknown = doc.contents;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (!pair) return undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else {
      return undefined;
    }
  }
  return (node ?? undefined) as Node | undefined;
}

function toRange(file: string, lc: LineCounter, start: number, end: number): SourceRange {
  const a = lc.linePos(start);
  const b = lc.linePos(Math.max(start, end));
  return { file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
