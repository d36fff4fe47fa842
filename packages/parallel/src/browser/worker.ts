/**
 * Browser worker (a module Web Worker behind comlink): one long-running `serve` call per
 * training run serves every step (task.ts); Atomics.wait is allowed in workers.
 */
import { expose } from 'comlink';
import { serve, type WorkerInit } from '../task.js';

const api = {
  serve(init: WorkerInit): void {
    serve(init, {
      exit: () => {
        throw new Error('fault injection "exit" is Node-only: a browser worker that closes itself cannot be observed; use "throw"');
      },
      threadId: init.lane + 1, // the browser pool replaces a worker by lane
    });
  },
};

export type WorkerApi = typeof api;

expose(api);
