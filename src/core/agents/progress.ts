/**
 * Progress of a paid call as every agent surface reports it (MCP progress notifications, VS Code's
 * chat progress, the job status of get_job): the use case's events turned into a count of requests
 * done and one line naming the request, its previews and the core's retry sentence.
 */
import type { GenerationEvent } from '../generation';

export interface ProgressStep {
  /** Requests finished so far (a started request counts as 0, its previews as fractions). */
  readonly progress: number;
  readonly total: number;
  readonly message: string;
}

export class ProgressTracker {
  private readonly labels = new Map<number, string>();
  private last: ProgressStep | undefined;

  /** The step an event makes, or undefined for events that change nothing. */
  track(event: GenerationEvent): ProgressStep {
    const label = (index: number): string => this.labels.get(index) ?? `request ${index + 1}`;
    const total = this.last?.total ?? (event.type === 'requestStarted' || event.type === 'requestDone' ? event.total : 1);
    let step: ProgressStep;
    switch (event.type) {
      case 'requestStarted':
        this.labels.set(event.index, event.label);
        step = { progress: event.index, total: event.total, message: `Generating ${event.label} (${event.index + 1} of ${event.total})` };
        break;
      case 'partial':
        step = { progress: event.index + 0.5, total, message: `${label(event.index)}: preview ${event.partialIndex + 1}${event.variant > 1 ? ` of variant ${event.variant}` : ''} received` };
        break;
      case 'retrying':
        step = { progress: event.index, total, message: `${label(event.index)}: ${event.message}` };
        break;
      case 'requestDone':
        step = { progress: event.index + 1, total: event.total, message: `Done ${label(event.index)} (${event.index + 1} of ${event.total}): ${event.outcome.mockups.length} image(s)` };
        break;
    }
    this.last = step;
    return step;
  }

  /** The latest step, for a status asked for later (get_job). */
  get latest(): ProgressStep | undefined {
    return this.last;
  }
}
