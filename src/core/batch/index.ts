/** Batch runs: the public API the VS Code adapter and the CLI import. */
export { parseBatch, hasErrors, formatBatchProblem, type ParsedBatch } from './parse';
export { expandBatch, batchName, localFiles, jobsOfShard, parseShard, shardOf, expandPattern, defaultPattern, BATCH_SUFFIX, PLACEHOLDERS, type BatchEnvironment, type Shard } from './expand';
export { runBatch, findDoneJobs, tidyOutputFolders, indexDoneJobs, jobRequest, type JobResult, type JobStatus, type RunOptions, type RunProgress, type RunResult } from './run';
export { runScheduled, isTransient, type SchedulerOptions, type SchedulerEvent, type Outcome } from './scheduler';
export { buildReport, renderMarkdown, summaryLine, reportBaseName, writeReports, type RunReport, type ReportJob } from './report';
export { estimateBatch, estimateSummary, renderEstimateMarkdown, renderEstimateText, type BatchEstimate, type EstimateRow } from './estimate';
export type * from './types';
