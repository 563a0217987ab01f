import type * as vscode from 'vscode';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import type { DesignSystemSource } from './designSystem';
import type { ReadOnlyDocuments } from './readOnlyDocuments';
import type { UserInterface } from './ui';

/** What the extension creates once at activation and hands to every command. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly apiKeys: ApiKeyStore;
  /** The workspace design system, kept until a design file or the setting changes. */
  readonly design: DesignSystemSource;
  /** Read-only documents a command shows (a batch estimate): never dirty, never asking to be saved. */
  readonly readOnlyDocuments: ReadOnlyDocuments;
  /** Replaceable by integration tests (see the extension's exported API). */
  ui: UserInterface;
}

/** The extension's version, recorded in every sidecar. */
export function toolVersion(services: Services): string {
  const version = (services.context.extension.packageJSON as { version?: unknown } | undefined)?.version;
  return typeof version === 'string' ? version : '0.0.0';
}
