/**
 * Picks where batch gradients are computed: @backprop/parallel's worker pool for --workers > 1,
 * core's single-thread LocalEngine (the Trainer's default) for --workers 1.
 */
import type { FitOptions } from '@backprop/core';
import { nodeEngine } from '@backprop/parallel/node';

/** The engine factory for `workers` threads (undefined: the Trainer's own single-thread engine). */
export function engineFor(workers: number): FitOptions['engine'] {
  return workers > 1 ? nodeEngine({ workers }) : undefined;
}
