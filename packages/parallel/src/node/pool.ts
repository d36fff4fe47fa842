/**
 * Node adapter: a piscina pool with one thread per lane. Each training run issues one
 * long-running task per thread (ParallelEngine steps them through shared memory); piscina
 * starts the threads, reports a task's error or a thread's exit, and replaces dead threads.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Piscina from 'piscina';
import { checkWorkers, type WorkerPool } from '../engine.js';
import type { WorkerInit } from '../task.js';
import type { NodeTask } from './worker.js';

// From source (tests, tsx) the worker is TypeScript: load it through tsx and read workspace
// packages from source too. From dist it is plain JS.
const fromSource = import.meta.url.endsWith('.ts');
const workerFile = fileURLToPath(new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url));

function sourceExecArgv(): string[] {
  let tsx: string;
  try {
    tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    throw new Error('@backprop/parallel runs from source here, and its workers need tsx to load TypeScript: install tsx, or build the package (pnpm build)');
  }
  return ['--conditions=@backprop/source', '--import', tsx];
}

export interface NodePoolOptions {
  /**
   * Threads that compute each step, the calling thread included (default:
   * os.availableParallelism(), one per core): workers − 1 pool threads and the thread that
   * calls `fit`, which takes a lane instead of waiting. 1 worker is one pool thread.
   */
  workers?: number;
  /**
   * The calling thread computes a lane (default true). Set it false when one thread drives
   * several engines at once (e.g. concurrent trials): the pool then starts `workers` threads.
   */
  caller?: boolean;
}

/** Threads for ParallelEngine. Reuse one pool across fits to pay the thread start-up once. */
export class NodePool implements WorkerPool {
  /** Pool threads: `workers` − 1 when the calling thread computes too, else `workers`. */
  readonly size: number;
  /** Threads that compute each step: the pool's and, when `caller`, the calling thread. */
  readonly workers: number;
  /** Node's main thread (and a worker driving a pool) may block in Atomics.wait. */
  readonly canBlock = true;
  readonly caller: boolean;
  private readonly piscina: Piscina<NodeTask, number>;

  constructor(opts: NodePoolOptions = {}) {
    this.workers = checkWorkers(opts.workers ?? availableParallelism());
    this.caller = (opts.caller ?? true) && this.workers > 1;
    this.size = this.caller ? this.workers - 1 : this.workers;
    this.piscina = new Piscina<NodeTask, number>({
      filename: workerFile,
      minThreads: this.size,
      maxThreads: this.size,
      concurrentTasksPerWorker: 1, // one serve loop per thread
      idleTimeout: Infinity,
      execArgv: fromSource ? sourceExecArgv() : [],
    });
    this.piscina.on('error', () => {}); // a thread that dies between tasks is replaced; tasks report their own errors
  }

  async serve(init: WorkerInit): Promise<void> {
    await this.piscina.run({ kind: 'serve', init });
  }

  /** An empty task: one piscina round trip (the per-step cost that the serve loop avoids). */
  async ping(): Promise<void> {
    await this.piscina.run({ kind: 'ping' });
  }

  /** Terminates the thread with this id (a hung one): piscina rejects its task and starts a replacement. */
  replace(_lane: number, threadId: number): void {
    for (const t of this.piscina.threads) if (t.threadId === threadId) void t.terminate();
  }

  /**
   * Event-loop utilisation summed over the pool's threads, cumulative (ms): diff two readings.
   * A serve loop is one long task, so it counts as active while a run is on, spinning or not;
   * CPU time (process.cpuUsage) tells the work done.
   */
  eventLoopUtilization(): { active: number; idle: number } {
    let active = 0;
    let idle = 0;
    for (const t of this.piscina.threads) {
      const u = t.performance.eventLoopUtilization();
      active += u.active;
      idle += u.idle;
    }
    return { active, idle };
  }

  /** Live threads (0 after destroy). */
  get threads(): number {
    return this.piscina.threads.length;
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
