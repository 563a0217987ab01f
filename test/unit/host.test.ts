import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import { startBridge } from '../host/bridge';
import { DEFAULT_ACTION_TIMEOUT_MS, parseBridgeRequest } from '../host/bridgeProtocol';
import {
  buildPayload,
  buildServerEnv,
  buildWorkbenchUrl,
  codeServerArgs,
  colorSchemeOf,
  DEFAULT_TIMEOUT_MS,
  failureScreenshotName,
  forwardEnv,
  hostRuns,
  isWorkbenchNoise,
  languagePacksFor,
  LOCALISATION_SUITE,
  parsePort,
  remoteUri,
  screenshotPath,
  serverStatePaths,
  timeoutFromEnv,
  userSettings,
} from '../host/config';
import { parseStartArgs } from '../host/start';

describe('offline test host', () => {
  describe('workbench URL and payload', () => {
    it('makes absolute vscode-remote URIs on the loopback address', () => {
      assert.equal(remoteUri(4711, '/work/main'), 'vscode-remote://127.0.0.1:4711/work/main');
      assert.equal(remoteUri(4711, '/a b/c#d/../e'), 'vscode-remote://127.0.0.1:4711/a%20b/e');
      assert.throws(() => remoteUri(4711, 'relative/path'), /absolute path/);
      assert.throws(() => remoteUri(0, '/x'), /not a TCP port/);
    });

    it('lists every development path, the tests path and the welcome switches', () => {
      assert.deepEqual(buildPayload({ port: 9, extensionDevelopmentPaths: ['/repo', '/other'], extensionTestsPath: '/repo/out/test/integration/index.js' }), [
        ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:9/repo'],
        ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:9/other'],
        ['extensionTestsPath', 'vscode-remote://127.0.0.1:9/repo/out/test/integration/index.js'],
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ]);
      assert.deepEqual(
        buildPayload({ port: 9, extensionDevelopmentPaths: ['/repo'] }).map(([name]) => name),
        ['extensionDevelopmentPath', 'skipWelcome', 'skipReleaseNotes'],
      );
      assert.throws(() => buildPayload({ port: 9, extensionDevelopmentPaths: [] }), /at least one/);
    });

    it('builds a URL whose query decodes back to the folder and payload', () => {
      const url = new URL(buildWorkbenchUrl({ port: 8123, folder: '/tmp/ws & co', extensionDevelopmentPaths: ['/repo'] }));
      assert.equal(url.origin, 'http://127.0.0.1:8123');
      assert.equal(url.searchParams.get('folder'), '/tmp/ws & co');
      assert.deepEqual(JSON.parse(url.searchParams.get('payload') ?? ''), buildPayload({ port: 8123, extensionDevelopmentPaths: ['/repo'] }));
      assert.throws(() => buildWorkbenchUrl({ port: 8123, folder: 'ws', extensionDevelopmentPaths: ['/repo'] }), /absolute/);
    });
  });

  describe('code-server state and arguments', () => {
    it('keeps every piece of state inside the run folder and binds to loopback', () => {
      const state = serverStatePaths('/tmp/run');
      const args = codeServerArgs(5000, state);
      const value = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
      assert.equal(value('--bind-addr'), '127.0.0.1:5000');
      assert.equal(value('--auth'), 'none');
      assert.equal(value('--user-data-dir'), path.join('/tmp/run', 'user-data'));
      assert.equal(value('--extensions-dir'), path.join('/tmp/run', 'extensions'));
      assert.equal(value('--config'), path.join('/tmp/run', 'config.yaml'));
      assert.equal(value('--session-socket'), path.join('/tmp/run', 'session.sock'));
      for (const flag of ['--disable-workspace-trust', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened']) {
        assert.ok(args.includes(flag), flag);
      }
    });

    it('starts in a display language only when asked, and only with a language tag', () => {
      const state = serverStatePaths('/tmp/run');
      assert.ok(!codeServerArgs(5000, state).includes('--locale'), 'English by default');
      const args = codeServerArgs(5000, state, 'ja');
      assert.equal(args[args.indexOf('--locale') + 1], 'ja');
      assert.throws(() => codeServerArgs(5000, state, 'ja --inspect'), /not a language tag/);
    });

    it('names a language pack without translations for the display language (code-server takes the language from it)', () => {
      const packs = languagePacksFor('ja', '/tmp/run/none.i18n.json');
      assert.deepEqual(Object.keys(packs), ['ja']);
      assert.equal(packs.ja.translations.vscode, '/tmp/run/none.i18n.json');
      assert.equal(packs.ja.extensions.length, 1, 'its language pack service reads the first extension');
    });

    it('runs the suite in English, then the localisation suite in Japanese; a focused run only where its pattern matches', () => {
      const all = hostRuns({});
      assert.deepEqual(all.map((run) => run.locale), [undefined, 'ja']);
      assert.deepEqual(all[0].env, {});
      assert.equal(all[1].env.FOUNDRY_MOCKUPS_TEST_LOCALE, 'ja');
      const grep = new RegExp(all[1].env.FOUNDRY_MOCKUPS_TEST_GREP);
      assert.ok(grep.test(LOCALISATION_SUITE) && !grep.test('The Studio (real VS Code host, Chromium, Foundry emulator)'), 'the Japanese run selects the localisation suite only');
      assert.deepEqual(hostRuns({ FOUNDRY_MOCKUPS_TEST_GREP: 'The Studio \\(real' }).map((run) => run.locale), [undefined]);
      assert.deepEqual(hostRuns({ FOUNDRY_MOCKUPS_TEST_GREP: 'Localisation' }).map((run) => run.locale), ['ja']);
      assert.deepEqual(hostRuns({ FOUNDRY_MOCKUPS_TEST_GREP: 'real VS Code host' }).map((run) => run.locale), [undefined, 'ja']);
    });

    it('seeds quiet user settings with a selectable theme', () => {
      const settings = userSettings('Default Light Modern');
      assert.equal(settings['workbench.startupEditor'], 'none');
      assert.equal(settings['telemetry.telemetryLevel'], 'off');
      assert.equal(settings['update.mode'], 'none');
      assert.equal(settings['workbench.colorTheme'], 'Default Light Modern');
      assert.equal(userSettings()['workbench.colorTheme'], 'Default Dark Modern');
      assert.equal(colorSchemeOf('Default Light Modern'), 'light');
      assert.equal(colorSchemeOf('Default High Contrast'), 'dark');
    });
  });

  describe('environment', () => {
    it('forwards only the named variables that are set', () => {
      const source = { FOUNDRY_MOCKUPS_TEST_ENDPOINT: 'http://127.0.0.1:1', OTHER: 'x' };
      assert.deepEqual(forwardEnv(['FOUNDRY_MOCKUPS_TEST_ENDPOINT', 'MISSING'], source), { FOUNDRY_MOCKUPS_TEST_ENDPOINT: 'http://127.0.0.1:1' });
      assert.throws(() => forwardEnv(['NOT-A-NAME'], source), /not an environment variable name/);
    });

    it('drops a parent VS Code\'s variables, turns the gallery off, puts the host\'s Node first on PATH and lets extras win', () => {
      const env = buildServerEnv(
        { PATH: '/bin', VSCODE_IPC_HOOK_CLI: '/tmp/x.sock', ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '--inspect', KEEP: 'old' },
        { KEEP: 'new', FOUNDRY_MOCKUPS_DRIVER_URL: 'http://127.0.0.1:2/t' },
      );
      assert.deepEqual(env, {
        PATH: '/bin',
        KEEP: 'new',
        EXTENSIONS_GALLERY: '{"serviceUrl":""}',
        FOUNDRY_MOCKUPS_DRIVER_URL: 'http://127.0.0.1:2/t',
      });
      assert.equal(buildServerEnv({ PATH: '/usr/bin:/bin' }, {}, '/h/node/bin').PATH, '/h/node/bin:/usr/bin:/bin');
      assert.equal(buildServerEnv({}, {}, '/h/node/bin').PATH, '/h/node/bin');
      assert.throws(() => buildServerEnv({}, { 'A=B': 'x' }), /not an environment variable name/);
      assert.throws(() => buildServerEnv({}, { A: 'x\0y' }), /NUL/);
    });

    it('reads the overall timeout, refusing nonsense', () => {
      assert.equal(timeoutFromEnv({}), DEFAULT_TIMEOUT_MS);
      assert.equal(timeoutFromEnv({ FOUNDRY_MOCKUPS_HOST_TIMEOUT_MS: '90000' }), 90_000);
      for (const bad of ['0', '-5', '1.5', 'ten']) {
        assert.throws(() => timeoutFromEnv({ FOUNDRY_MOCKUPS_HOST_TIMEOUT_MS: bad }), /positive whole number/, bad);
      }
    });

    it('parses ports and the npm start arguments', () => {
      assert.equal(parsePort(undefined), undefined);
      assert.equal(parsePort('0'), undefined);
      assert.equal(parsePort('8080'), 8080);
      assert.throws(() => parsePort('70000'), /not a TCP port/);
      assert.deepEqual(parseStartArgs(['--port', '9000', '--folder', '/tmp/x', '--theme', 'Default Light Modern'], {}), {
        port: 9000,
        folder: '/tmp/x',
        colorTheme: 'Default Light Modern',
        emulator: true,
      });
      assert.equal(parseStartArgs(['--no-emulator'], {}).emulator, false, 'npm start connects to a fresh emulator unless told not to');
      assert.equal(parseStartArgs([], { FOUNDRY_MOCKUPS_HOST_PORT: '7000' }).port, 7000);
      assert.throws(() => parseStartArgs(['--port'], {}), /needs a value/);
      assert.throws(() => parseStartArgs(['--bogus'], {}), /unknown argument/);
    });
  });

  it('hides only the workbench start-up chatter', () => {
    assert.ok(isWorkbenchNoise('Ignoring fetching additional builtin extensions from gallery as it is disabled.'));
    assert.ok(isWorkbenchNoise('Creating a socket (renderer-ExtensionHost-1234)...'));
    assert.ok(isWorkbenchNoise('No extension gallery service configured.'));
    assert.ok(isWorkbenchNoise("Creation of workbench contribution 'workbench.contrib.chatSetup' took 76ms."));
    assert.ok(!isWorkbenchNoise('  ✔ lists the Mockups commands in the command palette'));
    assert.ok(!isWorkbenchNoise('Error: Creating a socket (renderer-x) failed'));
  });

  describe('artifacts', () => {
    it('keeps screenshot names inside the artifacts folder', () => {
      assert.equal(screenshotPath('/repo/test-artifacts', 'palette'), path.join('/repo/test-artifacts', 'palette.png'));
      assert.equal(screenshotPath('/repo/test-artifacts', 'palette.png'), path.join('/repo/test-artifacts', 'palette.png'));
      for (const bad of ['../x', 'a/b', '.hidden', '', 'a..b']) {
        assert.throws(() => screenshotPath('/repo/test-artifacts', bad), /screenshot name/, bad);
      }
      assert.equal(failureScreenshotName('Exit 1!', new Date('2026-01-02T03:04:05.678Z')), 'host-failure-exit-1-2026-01-02T03-04-05-678Z');
    });
  });

  describe('page-action bridge requests', () => {
    it('fills in defaults for valid requests', () => {
      assert.deepEqual(parseBridgeRequest({ action: 'press', key: 'F1' }), { action: 'press', key: 'F1' });
      assert.deepEqual(parseBridgeRequest({ action: 'click', selector: '#x' }), {
        action: 'click',
        selector: '#x',
        frame: 'page',
        button: 'left',
        timeoutMs: DEFAULT_ACTION_TIMEOUT_MS,
      });
      assert.deepEqual(parseBridgeRequest({ action: 'waitFor', selector: 'button', frame: 'webview', timeoutMs: 500 }), {
        action: 'waitFor',
        selector: 'button',
        frame: 'webview',
        state: 'visible',
        timeoutMs: 500,
      });
      assert.deepEqual(parseBridgeRequest({ action: 'screenshot', name: 'studio' }), { action: 'screenshot', name: 'studio', fullPage: true });
      assert.deepEqual(parseBridgeRequest({ action: 'data', selector: 'fm-compare .pane', frame: 'webview' }), { action: 'data', selector: 'fm-compare .pane', frame: 'webview', timeoutMs: DEFAULT_ACTION_TIMEOUT_MS });
      assert.throws(() => parseBridgeRequest({ action: 'data', selector: '.pane', text: 'x' }), /unexpected field/);
      assert.deepEqual(parseBridgeRequest({ action: 'type', text: '' }), { action: 'type', text: '' });
      assert.deepEqual(parseBridgeRequest({ action: 'fill', selector: '#mask-x', frame: 'webview', text: '10' }), {
        action: 'fill',
        selector: '#mask-x',
        frame: 'webview',
        text: '10',
        timeoutMs: 10_000,
      });
      assert.deepEqual(parseBridgeRequest({ action: 'focused', selector: 'body', frame: 'webview' }), { action: 'focused', selector: 'body', frame: 'webview', timeoutMs: DEFAULT_ACTION_TIMEOUT_MS });
      assert.throws(() => parseBridgeRequest({ action: 'focused', selector: 'body', text: 'x' }), /text/);
      assert.throws(() => parseBridgeRequest({ action: 'fill', selector: '#x' }), /text/);
      assert.deepEqual(parseBridgeRequest({ action: 'box', selector: 'img', frame: 'webview' }), { action: 'box', selector: 'img', frame: 'webview', timeoutMs: 10_000 });
      assert.deepEqual(parseBridgeRequest({ action: 'wheel', selector: '.area', x: 10, y: 20.5, deltaY: -120 }), { action: 'wheel', selector: '.area', frame: 'page', x: 10, y: 20.5, deltaY: -120, timeoutMs: 10_000 });
      assert.deepEqual(parseBridgeRequest({ action: 'drag', selector: '.stage', frame: 'webview', points: [{ x: 0, y: 0 }, { x: 5, y: 6 }] }), {
        action: 'drag',
        selector: '.stage',
        frame: 'webview',
        points: [
          { x: 0, y: 0 },
          { x: 5, y: 6 },
        ],
        button: 'left',
        timeoutMs: 10_000,
      });
      assert.equal((parseBridgeRequest({ action: 'drag', selector: '.stage', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }], button: 'middle', hold: ' ' }) as { hold?: string }).hold, ' ');
      assert.deepEqual(parseBridgeRequest({ action: 'matchScreenshot', name: 'studio-light', selector: '#prompt', frame: 'webview' }), {
        action: 'matchScreenshot',
        name: 'studio-light',
        selector: '#prompt',
        frame: 'webview',
        mask: [],
        timeoutMs: DEFAULT_ACTION_TIMEOUT_MS,
      });
    });

    it('refuses malformed requests with a reason', () => {
      const cases: [unknown, RegExp][] = [
        [null, /JSON object/],
        [[], /JSON object/],
        [{ action: 'eval', code: '1' }, /unknown action/],
        [{ action: 'press' }, /'key' must be a string/],
        [{ action: 'press', key: 'F1 F2' }, /not a key name/],
        [{ action: 'press', key: 'F1', extra: 1 }, /unexpected field/],
        [{ action: 'click', selector: '  ' }, /blank/],
        [{ action: 'click', selector: '#x', frame: 'other' }, /'frame' must be one of page, webview/],
        [{ action: 'click', selector: '#x', button: 'middle' }, /'button'/],
        [{ action: 'text', selector: '#x', timeoutMs: 600_000 }, /timeoutMs/],
        [{ action: 'text', selector: '#x', timeoutMs: '5' }, /timeoutMs/],
        [{ action: 'type', text: 'x'.repeat(10_001) }, /longer than/],
        [{ action: 'screenshot', name: '../../etc/x' }, /plain file name/],
        [{ action: 'screenshot', name: 'x', fullPage: 'yes' }, /fullPage/],
        [{ action: 'box', selector: '#x', extra: true }, /unexpected field/],
        [{ action: 'wheel', selector: '#x', x: 1, y: 1 }, /'deltaY' must be a finite number/],
        [{ action: 'wheel', selector: '#x', x: -1, y: 1, deltaY: 1 }, /left of or above/],
        [{ action: 'wheel', selector: '#x', x: 1, y: Number.NaN, deltaY: 1 }, /'wheel.y' must be a finite number/],
        [{ action: 'drag', selector: '#x', points: [{ x: 1, y: 1 }] }, /2 to 200 points/],
        [{ action: 'drag', selector: '#x', points: Array.from({ length: 201 }, () => ({ x: 1, y: 1 })) }, /2 to 200 points/],
        [{ action: 'drag', selector: '#x', points: [{ x: 1, y: 1 }, [2, 2]] }, /'points\[1\]' must be an object/],
        [{ action: 'drag', selector: '#x', points: [{ x: 1, y: 1 }, { x: 2, y: '2' }] }, /'points\[1\].y'/],
        [{ action: 'drag', selector: '#x', points: [{ x: 1, y: 1 }, { x: 2, y: 2, z: 0 }] }, /unexpected field\(s\) in 'points\[1\]'/],
        [{ action: 'drag', selector: '#x', points: [{ x: 1, y: 1 }, { x: 2, y: 2 }], button: 'right' }, /'button'/],
        [{ action: 'drag', selector: '#x', points: [{ x: 1, y: 1 }, { x: 2, y: 2 }], hold: 'Shift Alt' }, /not a key name/],
        [{ action: 'matchScreenshot', name: '../baselines/x', selector: '#x' }, /plain file name/],
        [{ action: 'matchScreenshot', name: 'x', selector: '#x', mask: '.cost' }, /'mask' must be a list/],
        [{ action: 'matchScreenshot', name: 'x', selector: '#x', mask: [''] }, /'mask' must be a list/],
        [{ action: 'matchScreenshot', name: 'x' }, /'selector' must be a string/],
      ];
      for (const [input, message] of cases) {
        assert.throws(() => parseBridgeRequest(input), message, JSON.stringify(input));
      }
    });

    it('answers over loopback only with the token, and refuses bad bodies before touching a page', async () => {
      const bridge = await startBridge({ artifactsDir: '/nonexistent', baselineDir: '/nonexistent' });
      try {
        const url = new URL(bridge.url);
        assert.equal(url.hostname, '127.0.0.1');
        assert.match(url.pathname, /^\/[0-9a-f]{32}$/);
        assert.equal((await post(`${url.origin}/wrong`, '{}')).status, 404);
        assert.equal((await post(bridge.url, 'not json')).status, 400);
        const invalid = await post(bridge.url, JSON.stringify({ action: 'press', key: '' }));
        assert.equal(invalid.status, 400);
        assert.match(invalid.body, /must not be empty/);
        // Valid, but no page is attached yet.
        assert.equal((await post(bridge.url, JSON.stringify({ action: 'press', key: 'F1' }))).status, 503);
        assert.equal((await post(bridge.url, 'x'.repeat(70 * 1024))).status, 413);
      } finally {
        await bridge.close();
      }
    });
  });
});

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
