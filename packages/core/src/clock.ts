/** Wall clock in ms (performance.now exists in browsers, workers and Node; core has no DOM/Node types). */
declare const performance: { now(): number };

export function now(): number {
  return performance.now();
}

declare const setImmediate: ((f: () => void) => unknown) | undefined;
declare const setTimeout: (f: () => void, ms: number) => unknown;
declare const MessageChannel: (new () => { port1: { onmessage: (() => void) | null; close(): void }; port2: { postMessage(m: unknown): void } }) | undefined;

/**
 * Resolves after one macrotask, so signals, timers and messages queued meanwhile get to run:
 * setImmediate in Node (goes through the poll phase, where SIGINT arrives), a MessageChannel
 * round trip in browsers and workers (setTimeout would be clamped to 4 ms), setTimeout elsewhere.
 */
export function macrotask(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve);
    } else if (typeof MessageChannel === 'function') {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(0);
    } else {
      setTimeout(resolve, 0);
    }
  });
}
