// Copies the pictures the UI tests take (test-artifacts/, written by `npm run test:integration`)
// into media/readme/, where README.md shows them and the VSIX ships them for the marketplace page.
// Run after the integration tests: `npm run pictures`. Fails, copying nothing, when one is missing.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** test-artifacts/<name>.png -> media/readme/<name>.png, and which test takes it. */
const PICTURES = {
  'studio-canvas': 'The Studio suite: composes with a template, locales and a custom size',
  'studio-light': 'The Studio suite: looks right in a light, a dark and a high-contrast theme',
  'studio-dark': 'The Studio suite: looks right in a light, a dark and a high-contrast theme',
  'generate-palette-sizes': 'The UI suite: the Generate Mockup flow in the real quick input',
  'batch-report': 'Run Batch: sends the workspace design system ... and an anchor',
};
const missing = Object.entries(PICTURES).filter(([name]) => !existsSync(path.join(root, 'test-artifacts', `${name}.png`)));
if (missing.length) {
  console.error(`pictures: not taken yet (run npm run test:integration first):\n${missing.map(([name, by]) => `  ${name}.png (${by})`).join('\n')}`);
  process.exit(1);
}
mkdirSync(path.join(root, 'media', 'readme'), { recursive: true });
for (const name of Object.keys(PICTURES)) {
  copyFileSync(path.join(root, 'test-artifacts', `${name}.png`), path.join(root, 'media', 'readme', `${name}.png`));
  console.log(`pictures: media/readme/${name}.png`);
}
