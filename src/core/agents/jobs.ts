/**
 * Jobs for agents whose tool calls time out (often after 30-60 s, while a high-quality image takes
 * 30-160 s): a paid call that has not finished after the server's `--async-after` answers with a
 * job id and goes on; `get_job` returns its result once done, or how far it is. The clock (the
 * wait) is injected, so the rule is tested without waiting.
 */
import { randomUUID } from 'node:crypto';
import { ProgressTracker } from './progress';
import type { AgentOutcome } from './tools';

/** Resolves after `ms`; rejects never. `unref`'d where possible, so a waiting job keeps no process alive. */
export type Delay = (ms: number) => Promise<void>;

export const realDelay: Delay = (ms) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
  });

export interface Job {
  readonly id: string;
  readonly tool: string;
  readonly tracker: ProgressTracker;
  readonly done: Promise<AgentOutcome>;
  outcome?: AgentOutcome;
  /** Stops the job's request (nothing of it is written). */
  cancel(): void;
}

/** Finished jobs kept for get_job; older ones are forgotten. */
const KEEP_FINISHED = 50;

export class JobStore {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly delay: Delay = realDelay,
    private readonly newId: () => string = () => `job-${randomUUID().slice(0, 8)}`,
  ) {}

  /** Starts `run` as a job; `run` gets the job's tracker and abort signal. */
  start(tool: string, run: (tracker: ProgressTracker, signal: AbortSignal) => Promise<AgentOutcome>): Job {
    const controller = new AbortController();
    const tracker = new ProgressTracker();
    const id = this.newId();
    const job: Job = {
      id,
      tool,
      tracker,
      cancel: () => controller.abort(),
      done: run(tracker, controller.signal).then((outcome) => {
        job.outcome = outcome;
        this.forgetOld();
        return outcome;
      }),
    };
    this.jobs.set(id, job);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** The job's outcome if it finishes within `ms`, else undefined (the job goes on). */
  async within(job: Job, ms: number): Promise<AgentOutcome | undefined> {
    if (job.outcome) return job.outcome;
    if (ms <= 0) return undefined;
    return Promise.race([job.done, this.delay(ms).then(() => undefined)]);
  }

  /** Cancels every running job (the server is closing). */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (!job.outcome) job.cancel();
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.outcome);
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(job.id);
  }
}

/** What get_job says while a job runs. */
export function runningText(job: Job): string {
  const step = job.tracker.latest;
  return `Job ${job.id} (${job.tool}) is still running${step ? `: ${step.message}` : ''}. Call get_job again with {"jobId": "${job.id}"} for the result.`;
}

/** What a paid call answers when it outlasts --async-after. */
export function startedText(job: Job, afterSeconds: number): string {
  return `Still generating after ${afterSeconds} s, so this call returns now and the work goes on as job ${job.id}. Call get_job with {"jobId": "${job.id}"} to get the files, sizes, cost and previews when it is done.`;
}
