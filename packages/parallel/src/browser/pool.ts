/**
 * Browser adapter: module Web Workers wrapped with comlink, one per lane. A lane's `serve`
 * rejects when its worker throws (comlink forwards the error) or raises an uncaught error
 * event; such a worker is replaced before the next serve.
 */
import { releaseProxy, wrap, type Remote } from 'comlink';
import { checkWorkers, type WorkerPool } from '../engine.js';
import type { WorkerInit } from '../task.js';
import type { WorkerApi } from './worker.js';

interface Lane {
  worker: Worker;
  remote: Remote<WorkerApi>;
  /** Rejects the serve call in flight on this lane. */
  fail: ((e: unknown) => void) | null;
  broken: boolean;
}

export interface BrowserPoolOptions {
  /** Web Workers (default: navigator.hardwareConcurrency). */
  workers?: number;
}

/** Web Workers for ParallelEngine. Reuse one pool across fits to pay the worker start-up once. */
export class BrowserPool implements WorkerPool {
  readonly size: number;
  private readonly lanes: Lane[] = [];

  constructor(opts: BrowserPoolOptions = {}) {
    this.size = checkWorkers(opts.workers ?? defaultWorkers());
    for (let w = 0; w < this.size; w++) this.lanes.push(spawn());
  }

  serve(init: WorkerInit): Promise<void> {
    let lane = this.lanes[init.lane];
    if (lane.broken) {
      retire(lane);
      lane = this.lanes[init.lane] = spawn();
    }
    return new Promise<void>((resolve, reject) => {
      lane.fail = reject;
      lane.remote.serve(init).then(resolve, reject);
    }).finally(() => {
      lane.fail = null;
    });
  }

  /** Terminates lane `lane`'s worker (a hung one) and rejects its serve call; a new worker serves the lane next time. */
  replace(lane: number): void {
    const l = this.lanes[lane];
    if (!l) return;
    l.broken = true;
    l.worker.terminate();
    l.fail?.(new Error('the worker was ended by the step watchdog'));
  }

  /** Live workers (0 after destroy). */
  get threads(): number {
    return this.lanes.length;
  }

  async destroy(): Promise<void> {
    for (const lane of this.lanes.splice(0)) retire(lane);
  }
}

function defaultWorkers(): number {
  return typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 2;
}

function spawn(): Lane {
  // Vite and other bundlers turn this pattern into a worker entry (worker.ts in source, worker.js built)
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const lane: Lane = { worker, remote: wrap<WorkerApi>(worker), fail: null, broken: false };
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    lane.broken = true;
    lane.fail?.(new Error(`the worker crashed: ${ev.message || 'uncaught error'}`));
  });
  return lane;
}

function retire(lane: Lane): void {
  lane.remote[releaseProxy]();
  lane.worker.terminate();
}
