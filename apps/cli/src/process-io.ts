/**
 * The process's side of the terminal: closed pipes, signals and colour, for every command.
 * - A closed stdout or stderr (EPIPE: `backprop eval … | head -1`) stops writes to that stream
 *   only; the work goes on (train still saves its model) and the command exits as it would have,
 *   with no trace: the reader chose to stop reading (the Unix convention of `yes | head`).
 * - A signal ends the process with 128 + its number (SIGINT 130, SIGTERM 143, SIGHUP 129), after
 *   the command's own handler (train writes its checkpoint first).
 * - Colour is decided per stream: FORCE_COLOR (≠ 0) forces it on, FORCE_COLOR=0 or a non-empty
 *   NO_COLOR off (FORCE_COLOR wins, as in Node), else on when that stream is a terminal.
 */
import { constants } from 'node:os';

type Stream = NodeJS.WriteStream;
const closed = new Set<Stream>();

let failure: string | null = null;

/** A write error other than a closed pipe (a full disk behind "> file"), or null: the command then fails. */
export function writeFailure(): string | null {
  return failure;
}

/** Makes EPIPE (and EIO from a closed terminal) on stdout/stderr quiet: later writes are dropped. */
export function guardStreams(): void {
  for (const s of [process.stdout, process.stderr]) {
    const write = s.write.bind(s) as (...a: unknown[]) => boolean;
    s.write = ((...a: unknown[]) => {
      if (closed.has(s)) {
        const cb = a.find((x) => typeof x === 'function') as (() => void) | undefined;
        cb?.();
        return true;
      }
      return write(...a);
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      closed.add(s);
      if (e.code === 'EPIPE' || e.code === 'EIO' || e.code === 'ERR_STREAM_DESTROYED') return; // the reader left
      failure ??= `cannot write to ${s === process.stdout ? 'stdout' : 'stderr'}: ${e.message}`; // e.g. ENOSPC on "> file"
    });
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type Signal = (typeof SIGNALS)[number];

/** The exit code of a death by `sig`: 128 + the signal's number. */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (constants.signals[sig] ?? 0);
}

let takeover: ((sig: Signal) => void) | null = null;

/**
 * Default for every command: a signal exits at once with 128 + its number (output files are
 * written atomically and synchronously, so none is left half-written). A command with work to
 * save (train) takes the signals over with `onSignal` and exits through its own return code.
 */
export function exitOnSignals(): void {
  for (const sig of SIGNALS) {
    process.on(sig, () => {
      if (takeover) takeover(sig);
      else process.exit(signalExitCode(sig));
    });
  }
}

/** Routes signals to `handler` until the returned function is called. */
export function onSignal(handler: (sig: Signal) => void): () => void {
  takeover = handler;
  return () => {
    if (takeover === handler) takeover = null;
  };
}

/** Whether to colour output written to `s` (see the file header for the rules). */
export function colorFor(s: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force === 'false');
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(s.isTTY) && env.TERM !== 'dumb';
}
