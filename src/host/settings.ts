import * as vscode from 'vscode';

/**
 * The one place that reads `foundryMockups.*`. Each setting's type is declared here; its default
 * lives only in package.json (`contributes.configuration`), which VS Code returns for a setting the
 * user has not set. A value of the wrong type (a hand-edited settings.json) falls back to that
 * default instead of reaching the code.
 */
export interface Settings {
  readonly endpoint: string;
  readonly deployment: string;
  readonly model: string;
  readonly apiMode: string;
  readonly apiVersion: string;
  readonly auth: string;
  readonly tenant: string;
  readonly scope: string;
  readonly outputFolder: string;
  readonly sovereignCloud: boolean;
  readonly requestTimeoutSeconds: number;
  readonly confirmAboveUsd: number;
  readonly pricing: unknown;
  readonly presets: unknown;
  readonly styleGuide: string;
  readonly inpaintSeam: number;
  readonly companionFolder: string;
  readonly 'batch.concurrency': number;
  readonly 'batch.maxJobs': number;
}

export type SettingName = keyof Settings;

const KINDS: { readonly [K in SettingName]: 'string' | 'number' | 'boolean' | 'object' | 'array' } = {
  endpoint: 'string',
  deployment: 'string',
  model: 'string',
  apiMode: 'string',
  apiVersion: 'string',
  auth: 'string',
  tenant: 'string',
  scope: 'string',
  outputFolder: 'string',
  sovereignCloud: 'boolean',
  requestTimeoutSeconds: 'number',
  confirmAboveUsd: 'number',
  pricing: 'object',
  presets: 'array',
  styleGuide: 'string',
  inpaintSeam: 'number',
  companionFolder: 'string',
  'batch.concurrency': 'number',
  'batch.maxJobs': 'number',
};

export const SETTING_NAMES = Object.keys(KINDS) as readonly SettingName[];
export const SECTION = 'foundryMockups';

function fits(kind: (typeof KINDS)[SettingName], value: unknown): boolean {
  if (kind === 'array') return Array.isArray(value);
  if (kind === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === kind;
}

/** One setting, for `scope` (a workspace folder or file) when given. */
export function setting<K extends SettingName>(name: K, scope?: vscode.ConfigurationScope): Settings[K] {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const value = config.get<unknown>(name);
  if (fits(KINDS[name], value)) return (typeof value === 'string' ? value.trim() : value) as Settings[K];
  return config.inspect<unknown>(name)?.defaultValue as Settings[K];
}

/** All settings at once. */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  return Object.fromEntries(SETTING_NAMES.map((name) => [name, setting(name, scope)])) as unknown as Settings;
}

/** The output folder setting, never empty. */
export function outputFolder(scope?: vscode.ConfigurationScope): string {
  return setting('outputFolder', scope) || (vscode.workspace.getConfiguration(SECTION, scope).inspect<string>('outputFolder')?.defaultValue ?? 'mockups');
}

/** Whether a configuration change touches any of `names`. */
export function affects(event: vscode.ConfigurationChangeEvent, ...names: readonly SettingName[]): boolean {
  return names.some((name) => event.affectsConfiguration(`${SECTION}.${name}`));
}

/** Writes a setting where it applies: application-scoped ones to the user settings, others to the workspace. */
export function updateSetting(name: SettingName, value: unknown, target: vscode.ConfigurationTarget): Thenable<void> {
  return vscode.workspace.getConfiguration(SECTION).update(name, value, target);
}
