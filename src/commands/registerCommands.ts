import type { Services } from '../host/services';

/** A command's implementation. */
type Handler = (services: Services, ...args: unknown[]) => unknown;
type Loader = () => Promise<{ run: Handler }>;

/**
 * Every contributed command and where its implementation lives: each file under src/commands is
 * one command. The activation shell registers the ids (from package.json); src/features.ts runs
 * them from here.
 */
export const COMMANDS: Readonly<Record<string, Loader>> = {
  'foundryMockups.openStudio': () => import('./openStudio.js'),
  'foundryMockups.generate': () => import('./generate.js'),
  'foundryMockups.generateHere': () => import('./generateHere.js'),
  'foundryMockups.refineImage': () => import('./refineImage.js'),
  'foundryMockups.redesignImage': () => import('./redesignImage.js'),
  'foundryMockups.runBatch': () => import('./runBatch.js'),
  'foundryMockups.estimateBatch': () => import('./estimateBatch.js'),
  'foundryMockups.configureConnection': () => import('./configureConnection.js'),
  'foundryMockups.signIn': () => import('./signIn.js'),
  'foundryMockups.setApiKey': () => import('./setApiKey.js'),
  'foundryMockups.clearApiKey': () => import('./clearApiKey.js'),
  'foundryMockups.showLog': () => import('./showLog.js'),
};
