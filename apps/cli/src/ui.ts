/**
 * Terminal output: colours (off for NO_COLOR or a pipe), progress bars on a TTY, plain lines
 * otherwise, one JSON object per line with --json, and the final table and plot.
 */
import asciichart from 'asciichart';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { BatchEvent, EpochEvent } from '@backprop/core';

export type Mode = 'tty' | 'plain' | 'json';

export function outputMode(json: boolean): Mode {
  return json ? 'json' : process.stderr.isTTY && process.stdout.isTTY ? 'tty' : 'plain';
}

const colorOn = !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb';
export const c = pc.createColors(colorOn);

/** Writes one JSON event line to stdout. */
export function emit(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

export const fmt = {
  pct: (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)}%`),
  loss: (x: number | null) => (x === null ? '–' : x.toFixed(4)),
  rate: (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)}k` : x.toFixed(0)),
  secs: (s: number) => (s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`),
};

/** Training progress in the chosen mode. */
export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  constructor(readonly mode: Mode, readonly workers: number) {}

  batch(e: BatchEvent): void {
    if (this.mode === 'json') {
      emit({ event: 'step', epoch: e.epoch, batch: e.batch, batches: e.batches, step: e.step, loss: e.loss, accuracy: e.accuracy, samplesPerSec: e.samplesPerSec, workers: this.workers });
      return;
    }
    if (this.mode !== 'tty') return;
    const payload = { ep: e.epoch, loss: fmt.loss(e.loss), acc: fmt.pct(e.accuracy), rate: fmt.rate(e.samplesPerSec) };
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        { format: `epoch {ep} ${c.cyan('{bar}')} {percentage}% | ETA {eta_formatted} | loss {loss} | acc {acc} | {rate} samples/s`, hideCursor: true, clearOnComplete: true, stream: process.stderr, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(e.batches, 0, payload);
    }
    this.bar.update(e.batch, payload);
  }

  epoch(e: EpochEvent): void {
    this.stop();
    if (this.mode === 'json') {
      emit({ event: 'epoch', epoch: e.epoch, epochs: e.epochs, step: e.step, loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy, samplesPerSec: e.samplesPerSec, seconds: e.seconds, workers: this.workers });
      return;
    }
    const val = e.valLoss === null ? '' : ` | val loss ${fmt.loss(e.valLoss)} acc ${fmt.pct(e.valAccuracy)}`;
    const w = String(e.epochs).length;
    process.stderr.write(`epoch ${String(e.epoch).padStart(w)}/${e.epochs} | loss ${fmt.loss(e.loss)} acc ${fmt.pct(e.accuracy)}${val} | ${fmt.rate(e.samplesPerSec)} samples/s | ${fmt.secs(e.seconds)}\n`);
  }

  stop(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    }
  }
}

/** Human-readable text on stderr (so stdout stays clean for data), silent in --json mode. */
export function say(mode: Mode, text: string): void {
  if (mode !== 'json') process.stderr.write(text + '\n');
}

/** A boxed table; plain ASCII borders when colour is off. */
export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head: head.map((h) => c.bold(h)), style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

/** A small loss curve (and accuracy, if any) over epochs. */
export function plot(history: EpochEvent[]): string {
  if (history.length < 2) return '';
  const loss = history.map((e) => e.loss);
  const out = [`loss per epoch`, asciichart.plot(loss, { height: 6, format: (x: number) => x.toFixed(3).padStart(8) })];
  if (history[0].accuracy !== null) {
    const acc = history.map((e) => 100 * (e.valAccuracy ?? e.accuracy ?? 0));
    out.push(`${history[0].valAccuracy !== null ? 'validation ' : ''}accuracy % per epoch`, asciichart.plot(acc, { height: 6, format: (x: number) => x.toFixed(1).padStart(8) }));
  }
  return out.join('\n');
}
