// Writes l10n/webview.l10n.json: every string the Studio webview passes to `t()`, keyed and valued
// by its English text, the form of VS Code's own l10n/bundle.l10n.json (which @vscode/l10n-dev
// exports for the host). A translator copies it to l10n/webview.l10n.<language>.json and
// translates the values. Part of `npm run l10n:export`; fails when a `t()` message is computed.
//   node scripts/l10n-webview.mjs
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webviewMessages } from './l10nStrings.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { messages, problems } = webviewMessages(root);
if (problems.length) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
const bundle = Object.fromEntries([...messages.keys()].map((message) => [message, message]));
const file = path.join(root, 'l10n', 'webview.l10n.json');
writeFileSync(file, `${JSON.stringify(bundle, null, 2)}\n`);
console.log(`Wrote ${Object.keys(bundle).length} webview strings to ${path.relative(process.cwd(), file) || file}`);
