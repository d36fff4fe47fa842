/**
 * Terminal output: colours decided per stream (process-io.ts), progress bars when stderr is a
 * terminal, plain lines otherwise, one JSON object per line with --json, and the final table and
 * plots, resampled to the terminal's width.
 */
import asciichart from 'asciichart';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { BatchEvent, EpochEvent } from '@backprop/core';
import { colorFor } from './process-io.js';

export type Mode = 'tty' | 'plain' | 'json';

/** Progress goes to stderr: bars when it is a terminal (whatever stdout is), plain lines when not. */
export function outputMode(json: boolean): Mode {
  return json ? 'json' : process.stderr.isTTY && process.env.TERM !== 'dumb' ? 'tty' : 'plain';
}

/** Colours for text written to stdout. */
export const c = pc.createColors(colorFor(process.stdout));
/** Colours for text written to stderr (progress, notes, errors): `train 2>log` writes no escape codes. */
export const ce = pc.createColors(colorFor(process.stderr));

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
        { format: `epoch {ep} ${ce.cyan('{bar}')} {percentage}% | ETA {eta_formatted} | loss {loss} | acc {acc} | {rate} samples/s`, hideCursor: true, clearOnComplete: true, stream: process.stderr, etaBuffer: 50 },
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

/** Columns of the terminal the plots go to (stderr), else $COLUMNS, else 80. */
function plotWidth(): number {
  const cols = process.stderr.columns || Number(process.env.COLUMNS) || 80;
  return Math.max(20, cols);
}

/**
 * `values` resampled to at most `n` points: bucket i averages epochs ⌊i·len/n⌋ … ⌊(i+1)·len/n⌋ − 1,
 * so the first and last points stay the first and last buckets.
 */
export function resample(values: number[], n: number): number[] {
  if (values.length <= n) return values;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const from = Math.floor((i * values.length) / n);
    const to = Math.floor(((i + 1) * values.length) / n);
    let s = 0;
    for (let j = from; j < to; j++) s += values[j];
    out.push(s / (to - from));
  }
  return out;
}

const LABEL = 8; // width of the y-axis numbers; asciichart adds 2 for the axis

/** A small loss curve (and accuracy, if any) over epochs, fitted to `width` columns. */
export function plot(history: EpochEvent[], width = plotWidth()): string {
  if (history.length < 2) return '';
  const points = width - LABEL - 3;
  const per = history.length > points ? ` (each column ≈ ${(history.length / points).toFixed(1)} epochs)` : '';
  const loss = resample(history.map((e) => e.loss), points);
  const out = [`loss per epoch${per}`, asciichart.plot(loss, { height: 6, format: (x: number) => x.toFixed(3).padStart(LABEL) })];
  if (history[0].accuracy !== null) {
    const acc = resample(history.map((e) => 100 * (e.valAccuracy ?? e.accuracy ?? 0)), points);
    out.push(`${history[0].valAccuracy !== null ? 'validation ' : ''}accuracy % per epoch${per}`, asciichart.plot(acc, { height: 6, format: (x: number) => x.toFixed(1).padStart(LABEL) }));
  }
  return out.join('\n');
}
