// `npm run test:artifacts`: tests the product as users install it. Builds both artefacts from the
// working tree (the VSIX with `npm run package`, the npm tarball with `npm pack`), checks what they
// hold and runs the command-line tool from each install path (test/smoke/node, plain mocha), then
// installs the VSIX into a fresh profile of the real VS Code host and runs the smoke suite there
// (test/smoke/host). Prints the artefacts' sizes and how long each step took.
//
// FOUNDRY_MOCKUPS_VSIX, FOUNDRY_MOCKUPS_TARBALL and FOUNDRY_MOCKUPS_PACKAGE_REPORT, all three set,
// reuse artefacts built before instead of packaging again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { runHostTests } from '../host/runHostTests';
import { ARTIFACTS_DIR, buildTarball, buildVsix, mib, PACKAGE_REPORT_ENV, REPO_ROOT, TARBALL_ENV, tarEntries, VSIX_ENV } from './artifacts';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function timed<T>(what: string, timings: string[], fn: () => T): T {
  const started = Date.now();
  const result = fn();
  timings.push(`${what}: ${seconds(Date.now() - started)}`);
  return result;
}

function prepareArtifacts(timings: string[], sizes: string[]): void {
  if ([VSIX_ENV, TARBALL_ENV, PACKAGE_REPORT_ENV].every((name) => process.env[name])) {
    sizes.push('(artefacts reused from the environment)');
    return;
  }
  fs.rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
  const report = timed('npm run package (production build + VSIX)', timings, () => buildVsix(ARTIFACTS_DIR));
  const reportFile = path.join(ARTIFACTS_DIR, 'package-report.json');
  fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
  const tarball = timed('npm pack (production build + tarball)', timings, () => buildTarball(ARTIFACTS_DIR));
  process.env[VSIX_ENV] = report.vsix;
  process.env[TARBALL_ENV] = tarball;
  process.env[PACKAGE_REPORT_ENV] = reportFile;

  const unpacked = report.parts.reduce((sum, part) => sum + part.bytes, 0);
  sizes.push(`VSIX ${path.basename(report.vsix)}: ${mib(report.bytes)}, ${report.files.length} files, ${mib(unpacked)} unpacked`);
  for (const part of report.parts) sizes.push(`  ${part.part}: ${part.files.length} files, ${mib(part.bytes)}`);
  const entries = tarEntries(tarball);
  sizes.push(`npm package ${path.basename(tarball)}: ${mib(fs.statSync(tarball).size)}, ${entries.length} files: ${entries.map((e) => e.replace(/^package\//, '')).join(', ')}`);
}

function runNodeChecks(): Promise<number> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec' });
  const dir = path.join(__dirname, 'node');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(dir, file));
  return new Promise((resolve) => mocha.run((failures) => resolve(failures)));
}

async function main(): Promise<number> {
  const timings: string[] = [];
  const sizes: string[] = [];
  prepareArtifacts(timings, sizes);

  let started = Date.now();
  const nodeFailures = await runNodeChecks();
  timings.push(`artefact and CLI checks (plain Node): ${seconds(Date.now() - started)}`);

  started = Date.now();
  const hostCode = await runHostTests({
    extensionTestsPath: path.join(__dirname, 'host', 'index.js'),
    extensionDevelopmentPaths: [path.join(REPO_ROOT, 'test', 'smoke', 'runner')],
    installExtensions: [process.env[VSIX_ENV] ?? ''],
  });
  timings.push(`smoke suite in the host, VSIX installed into a fresh profile: ${seconds(Date.now() - started)}`);

  console.log('\nArtefacts:');
  for (const line of sizes) console.log(`  ${line}`);
  console.log('Timings:');
  for (const line of timings) console.log(`  ${line}`);
  if (nodeFailures > 0 || hostCode !== 0) {
    console.error(`test:artifacts FAILED: ${nodeFailures} artefact/CLI check(s) failed; the smoke suite exited ${hostCode}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
