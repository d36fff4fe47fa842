/**
 * A playground run: the training thread behind play / pause / step / reset, its pace and
 * worker count. Every reset starts a new *generation*; updates and failures of an older
 * generation are dropped, so a reset while training never mixes two runs on the page.
 */
import * as Comlink from 'comlink';
import { errorText } from '../messages.js';
import type { TrainJob } from '../protocol.js';
import type { OptimizerSnapshot, SetupInfo, TrainApi, Update } from '../train.worker.js';

export interface SessionEvents {
  update(u: Update): void;
  /** Running state changed (after play, pause, step end, reset). */
  running(on: boolean): void;
  error(text: string): void;
}

export class Session {
  private readonly api: Comlink.Remote<TrainApi>;
  generation = 0;
  running = false;
  private runPromise: Promise<void> | null = null;
  epoch = 0;

  constructor(private readonly events: SessionEvents, name = 'playground-trainer') {
    const w = new Worker(new URL('../train.worker.ts', import.meta.url), { type: 'module', name });
    this.api = Comlink.wrap<TrainApi>(w);
  }

  /** A new run from `job` on `workers` workers; resolves with what the training thread built, or null when superseded. */
  async reset(job: TrainJob, workers: number, pace: number): Promise<SetupInfo | null> {
    const gen = ++this.generation;
    this.setRunning(false);
    this.epoch = 0;
    const cb = Comlink.proxy((u: Update) => {
      if (gen !== this.generation) return;
      this.epoch = u.epoch;
      this.events.update(u);
    });
    await this.api.setPace(pace);
    const info = await this.api.setup(job, workers, workers > 1, cb);
    return gen === this.generation ? info : null;
  }

  play(): void {
    void this.run(Number.POSITIVE_INFINITY);
  }

  pause(): void {
    void this.api.pause();
  }

  /** One epoch more. */
  async step(): Promise<void> {
    if (this.running) return;
    await this.run(this.epoch + 1);
  }

  async setPace(pace: number): Promise<void> {
    await this.api.setPace(pace);
  }

  /** Changes the worker count (pausing and resuming a running session); returns the count in use. */
  async setWorkers(n: number): Promise<number> {
    const wasRunning = this.running;
    if (wasRunning) {
      this.pause();
      await this.runPromise;
    }
    const used = await this.api.setWorkers(n);
    await this.api.setCheck(used > 1);
    if (wasRunning) this.play();
    return used;
  }

  optimizer(): Promise<OptimizerSnapshot> {
    return this.api.optimizer();
  }

  private run(until: number): Promise<void> {
    const gen = this.generation;
    this.setRunning(true);
    return (this.runPromise = this.api.run(until).catch((err) => {
      if (gen === this.generation) this.events.error(errorText(err));
    }).finally(() => {
      if (gen === this.generation) this.setRunning(false);
    }));
  }

  private setRunning(on: boolean): void {
    this.running = on;
    this.events.running(on);
  }
}
