// The command-line tool as users get it, each time in an empty folder against the emulator: from the
// unpacked VSIX (`node extension/dist/cli.js`), from the npm tarball installed globally, and from
// the tarball through npx. Prints how long each install took and how much it put on disk.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Emulator, startEmulator } from '../../emulator/server';
import { artifactFromEnv, folderBytes, mib, run, TARBALL_ENV, unpackVsix, VSIX_ENV } from '../artifacts';
import { cliScenario } from './cliScenario';

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

describe('the command-line tool, installed as a user installs it', function () {
  this.timeout(300_000);
  let emulator: Emulator;
  const temporary: string[] = [];
  const fresh = (prefix: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temporary.push(dir);
    return dir;
  };

  before(async () => {
    emulator = await startEmulator({ apiKey: 'cli-smoke-emulator-key-0123456789ab' });
  });
  after(async () => {
    await emulator?.close();
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs from the unpacked VSIX: node extension/dist/cli.js', async () => {
    const unpacked = unpackVsix(artifactFromEnv(VSIX_ENV));
    temporary.push(unpacked);
    temporary.push(await cliScenario([process.execPath, path.join(unpacked, 'extension', 'dist', 'cli.js')], emulator));
  });

  it('runs installed globally from the tarball: npm install -g foundry-mockups-<version>.tgz', async () => {
    const prefix = fresh('fm-global-');
    const started = Date.now();
    const install = await run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', artifactFromEnv(TARBALL_ENV)], { cwd: prefix, timeoutMs: 240_000 });
    if (install.code !== 0) throw new Error(`npm install -g failed:\n${install.err}`);
    const installed = path.join(prefix, 'lib', 'node_modules', 'foundry-mockups');
    console.log(`      npm install -g: ${seconds(started)}, ${mib(folderBytes(installed))} on disk (with its dependencies)`);
    temporary.push(await cliScenario([path.join(prefix, 'bin', 'foundry-mockups')], emulator));
  });

  it('runs with npx from the tarball in an empty folder: npx --package foundry-mockups-<version>.tgz foundry-mockups', async () => {
    const cache = fresh('fm-npx-cache-');
    const tarball = artifactFromEnv(TARBALL_ENV);
    // A cache of its own, so that npx installs from the tarball (and the registry) as on a new CI machine.
    const env = { npm_config_cache: cache, npm_config_update_notifier: 'false' };
    const started = Date.now();
    const first = await run('npx', ['--yes', '--package', tarball, '--', 'foundry-mockups', '--help'], { cwd: fresh('fm-npx-'), env: { ...process.env, ...env }, timeoutMs: 240_000 });
    if (first.code !== 0) throw new Error(`npx failed:\n${first.err}`);
    console.log(`      npx, first run (install into an empty npm cache): ${seconds(started)}`);
    temporary.push(await cliScenario(['npx', '--yes', '--package', tarball, '--', 'foundry-mockups'], emulator, env));
  });
});
