// @backprop/cluster: hyperparameter sweeps. The search space and its trials (space.ts), the
// trial payload and its schema (payload.ts), successive halving (halving.ts), the leaderboard
// (leaderboard.ts), a local run (local.ts) and the same sweep as a BullMQ flow on Redis
// (queue.ts, redis.ts). The training itself is the caller's TrialRunner (trial.ts).
export { SweepError } from './errors.js';
export { MemoryRungs, promote, rungs } from './halving.js';
export type { RungStore } from './halving.js';
export { describeParams, leaderboardCsv, leaderboardJson, rank, rankingMetric, summarize } from './leaderboard.js';
export type { GroupSummary, Metric, TrialRecord } from './leaderboard.js';
export { runLocalSweep, sha256 } from './local.js';
export type { LocalSweepOptions, SweepListener } from './local.js';
export { MAX_PAYLOAD_BYTES, SWEEP_NAME, parsePayload, payloadOf } from './payload.js';
export type { DataRef, Halving, TrialPayload } from './payload.js';
export { TRIALS_QUEUE, dropQueued, startWorker, submitSweep, trialJobId, uploadData, watchSweep } from './queue.js';
export type { WorkerOptions } from './queue.js';
export { connect, maskSecrets, parseRedisUrl, probe } from './redis.js';
export type { RedisTarget } from './redis.js';
export { MAX_TRIALS, expandTrials, parseGrid, parseIntList, parseRandom, parseSweepFile } from './space.js';
export type { Distribution, Params, SweepFile, SweepSpace, TrialPlan, Value, ValueParser } from './space.js';
export { pauses } from './trial.js';
export type { TrialContext, TrialMetrics, TrialOutcome, TrialProgress, TrialRunner } from './trial.js';
