/**
 * The CLI's view of data: a dataset spec string ("mnist", "iris", "circle", "data.csv",
 * "train-images.idx3-ubyte") becomes training/test datasets plus the preprocessing that
 * travels with the model. Loading is @backprop/data's job; this file only adapts it.
 */
import type { Dataset, Preprocessing } from '@backprop/core';
import * as local from './local-data.js';

export interface TrainingData {
  train: Dataset;
  /** Held-out rows for the final accuracy (mnist: the 2,000 test digits), or null. */
  test: Dataset | null;
  preprocessing: Preprocessing;
  description: string;
}

export interface LoadOptions {
  seed: number;
  /** Fraction held out as the test set when the source has no test split of its own. */
  testSplit?: number;
  normalization?: string;
  labelColumn?: string;
}

/** Training and test data for `backprop train`. */
export async function loadTraining(spec: string, opts: LoadOptions): Promise<TrainingData> {
  return local.loadTraining(spec, opts);
}

/** Labelled rows for `eval`/`gradcheck`, preprocessed as a saved model expects (its test split, if any). */
export async function loadForModel(spec: string, pre: Preprocessing, opts: LoadOptions): Promise<Dataset> {
  return local.loadForModel(spec, pre, opts);
}

/** Raw input rows for `predict` from a CSV or JSON file, preprocessed as the model expects. */
export async function loadInputs(path: string, pre: Preprocessing): Promise<{ X: Float32Array; N: number }> {
  return local.loadInputs(path, pre);
}
