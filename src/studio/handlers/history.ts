import { filterHistory, historyFacets } from '../../core/studio/history';
import type { Handlers } from '../dispatch';
import { toItem, workspaceAbsolute } from '../history';
import type { MockupItem } from '../protocol';
import type { StudioSession } from '../session';

/** The history: the workspace's mockups that match the query, each with its chain of edits. */
export function historyHandlers(session: StudioSession): Pick<Handlers, 'history'> {
  return {
    history: async (message) => {
      const entries = await session.history.entries();
      const designSha256 = await session.designSha256();
      const reachable = message.reach === 'loadable' ? entries.filter((e) => session.canLoad(workspaceAbsolute(e.file))) : entries;
      const matching = filterHistory(reachable, message.query).slice(0, 200);
      const byFile = new Map(entries.map((e) => [e.file, e]));
      const items = matching.map((e) => {
        const chain: Array<MockupItem['chain'][number]> = [];
        for (let at: string | undefined = e.file, i = 0; at && i < 20; i++) {
          const step = byFile.get(at);
          if (!step) break;
          chain.unshift({ file: step.file, operation: step.operation ?? 'generate', prompt: step.promptTyped ?? '' });
          at = step.parentFile;
        }
        return toItem(session.imageUri(workspaceAbsolute(e.file)), workspaceAbsolute(e.file), e, chain, designSha256);
      });
      return { type: 'history', entries: items, total: entries.length, facets: historyFacets(entries) };
    },
  };
}
