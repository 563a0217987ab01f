/** Batch runs: the public API the VS Code adapter and the CLI import. */
export { parseBatch, hasErrors, formatBatchProblem, type ParsedBatch } from './parse';
export { expandBatch, batchName, localFiles, jobsOfShard, parseShard, shardOf, expandPattern, defaultPattern, BATCH_SUFFIX, PLACEHOLDERS, type BatchEnvironment, type Shard } from './expand';
export { runBatch, RunDeclinedError, type JobResult, type JobStatus, type RunOptions, type RunPlan, type RunProgress, type RunResult } from './run';
export { findDoneJobs, resolveDoneJobs, tidyOutputFolders, indexDoneJobs, jobRequest, groupProblem, type DoneEntry, type DoneJobs } from './resume';
export { acquireBatchLock, BatchLockedError, lockFileOf, processAlive, type BatchLock, type LockHolder, type LockOptions } from './lock';
export { describeSchedulerEvent, runScheduled, SYSTEM_CLOCK, type SchedulerClock, type SchedulerOptions, type SchedulerEvent, type Outcome } from './scheduler';
export { buildReport, renderMarkdown, summaryLine, reportBaseName, writeReports, readReport, findReportFiles, mergeReports, causesOf, earlierRuns, type RunReport, type ReportJob, type RunEntry, type RunSummary, type FailureCause } from './report';
export { estimateBatch, estimateSummary, renderEstimateMarkdown, renderEstimateText, type BatchEstimate, type EstimateRow } from './estimate';
export type * from './types';
