import * as vscode from 'vscode';
import { failureActions, runFailureAction } from '../../host/failure';
import type { Handlers } from '../dispatch';
import type { StudioSession } from '../session';

/**
 * The error banner's actions: each runs what the failure's notification runs (runFailureAction),
 * for the failure the session kept. Only an action that failure offers is run: the message comes
 * from the webview. Retry sends the kept request again, once: its failure, if any, is a new one.
 */
export function failureHandlers(session: StudioSession): Pick<Handlers, 'failureAction'> {
  const { services } = session;
  return {
    failureAction: async (message) => {
      const kept = session.keptFailure(message.failure);
      if (!kept) throw new Error(vscode.l10n.t('That failure is no longer kept (the Studio keeps the last few while it is open): compose the request again.'));
      if (!failureActions(kept.error, kept.retry !== undefined).includes(message.action)) throw new Error(vscode.l10n.t('That action is not offered for this failure.'));
      if (message.action === 'retry') session.forgetFailure(message.failure);
      await runFailureAction(services, message.action, kept);
      if (message.action === 'copyRequestId') session.post({ type: 'notice', level: 'info', message: vscode.l10n.t('Request ID copied.') });
    },
  };
}
