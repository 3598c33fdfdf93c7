// Writes l10n/bundle.l10n.json: every vscode.l10n.t('…') string in src/vscode, the English source
// for translators (VS Code looks up bundle.l10n.<locale>.json beside it).
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const dir = 'src/vscode';
const strings = {};
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
  const text = readFileSync(path.join(dir, file), 'utf8');
  for (const m of text.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) strings[m[1].replace(/\\'/g, "'")] = m[1].replace(/\\'/g, "'");
}
mkdirSync('l10n', { recursive: true });
writeFileSync('l10n/bundle.l10n.json', `${JSON.stringify(Object.fromEntries(Object.entries(strings).sort()), null, 2)}\n`);
console.log(`l10n/bundle.l10n.json: ${Object.keys(strings).length} strings`);
