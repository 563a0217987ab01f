import type * as vscode from 'vscode';
import type { KeptFailure } from '../host/failure';
import type { Services } from '../host/services';
import type { HistoryIndex } from './history';
import type { HostToWebview, InitMessage } from './protocol';

/**
 * When each step of the panel's first load happened (performance.now(), the extension host's
 * clock), for the benchmark's breakdown of the first paint. Each is set once.
 */
export interface StudioOpenMarks {
  /** The open command ran (after dist/features.js was loaded). */
  opened?: number;
  /** The page was handed to the webview. */
  html?: number;
  /** The webview's script ran and said ready. */
  ready?: number;
  /** `init` was posted: what the first paint shows. */
  init?: number;
  /** The webview painted its first frame with `init` and said so. */
  painted?: number;
}

/** The metrics tests and the benchmark read (see StudioProbe). */
export interface StudioMetrics {
  openToPaintMs?: number;
  readonly marks: StudioOpenMarks;
  readonly partialToDisplayMs: number[];
}

/**
 * What the message handlers may use of the open Studio panel: the panel owns the webview and its
 * lifecycle; handlers only answer messages through this seam.
 */
export interface StudioSession {
  readonly services: Services;
  readonly history: HistoryIndex;
  readonly metrics: StudioMetrics;
  /** performance.now() when the open command started (first-paint measurement), if known. */
  readonly openedAt: number | undefined;
  /** Posts now when the webview is ready, else after its ready handshake (previews are dropped meanwhile). */
  post(message: HostToWebview): void;
  /** Whether the webview is ready to receive messages. */
  isReady(): boolean;
  /** What to answer a ready with: the `init` read while the page loaded, the first time, else a fresh read. */
  initForReady(): Promise<InitMessage>;
  /** The ready handshake: posts `init` first, then what waited for it. */
  becomeReady(init: HostToWebview): Promise<void>;
  /** The webview URI of a workspace image (its folder allowed first); the image counts as shown. */
  imageUri(absolute: string): string;
  /** Whether the page may load this image already, without widening its resource roots (a reload). */
  canLoad(absolute: string): boolean;
  /** Whether the Studio showed `absolute` (an image, or the sidecar of one it showed). */
  wasShown(absolute: string): boolean;
  /** The workspace design system's version now (SHA-256), if there is one. */
  designSha256(): Promise<string | undefined>;
  /** Lets the webview load `files` (see StudioPanel.allowFoldersOf). */
  allowFoldersOf(files: readonly string[]): void;
  /** Adds a finished job's cost to what the Studio has spent since it opened; returns the total. */
  spend(usd: number): number;
  /** Starts a job the user can cancel. */
  startJob(): { jobId: number; signal: AbortSignal };
  /** Cancels a running job (nothing when it already ended). */
  cancelJob(jobId: number): void;
  endJob(jobId: number): void;
  /** Keeps a failed job's error and its request (to send it again) for the banner's actions; returns its id. */
  keepFailure(failure: KeptFailure): string;
  /** The failure kept as `id`, while it is (the last few are kept, for as long as the panel is open). */
  keptFailure(id: string): KeptFailure | undefined;
  forgetFailure(id: string): void;
  /** When each streamed preview reached the host, by key, until the webview says it is shown. */
  readonly partialArrivals: Map<string, number>;
}

/** The webview's panel (for the few handlers that need it). */
export type StudioPanelHandle = Pick<vscode.WebviewPanel, 'webview'>;
