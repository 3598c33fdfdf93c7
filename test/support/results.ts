import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** What one test layer reports to scripts/test.mjs. */
export interface LayerResult {
  layer: string;
  passed: number;
  failed: number;
  failures: Array<{ title: string; error: string }>;
}

export async function writeLayerResult(file: string, result: LayerResult): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(result, null, 2));
}
