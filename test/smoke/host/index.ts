// The smoke suite's entry in the extension host (extensionTestsPath): mocha over the compiled
// out/test/smoke/host/**/*.test.js, against the extension installed from the VSIX.
import { runMocha } from '../../integration/index';

export function run(): Promise<void> {
  return runMocha(__dirname);
}
