import * as vscode from 'vscode';
import type { Handlers } from '../dispatch';
import type { StudioSession } from '../session';

/** The handshake, the first-paint and preview-display measurements, the webview's log lines. */
export function lifecycleHandlers(session: StudioSession): Pick<Handlers, 'ready' | 'painted' | 'log' | 'partialShown' | 'openStyleGuideSetting'> {
  const { services, metrics } = session;
  return {
    ready: async () => session.becomeReady(await session.initForReady()),
    painted: () => {
      metrics.marks.painted ??= performance.now();
      if (session.openedAt !== undefined && metrics.openToPaintMs === undefined) {
        metrics.openToPaintMs = performance.now() - session.openedAt;
        services.log.info(`Studio: first paint ${metrics.openToPaintMs.toFixed(0)} ms after the open command.`);
      }
    },
    // One line, capped, by the protocol: the webview cannot forge log lines.
    log: (message) => services.log[message.level](`Studio webview: ${message.message}`),
    partialShown: (message) => {
      const arrived = session.partialArrivals.get(message.key);
      if (arrived === undefined) return;
      session.partialArrivals.delete(message.key);
      metrics.partialToDisplayMs.push(performance.now() - arrived);
      if (metrics.partialToDisplayMs.length > 1000) metrics.partialToDisplayMs.shift();
    },
    openStyleGuideSetting: async () => {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'foundryMockups.styleGuide');
    },
  };
}
