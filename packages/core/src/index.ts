// @backprop/core: dense networks and backpropagation on shared-memory tensors. What a user needs:
// build a Network, train it with a Trainer, evaluate, save and load it, check its gradients,
// follow one sample through the note's equations. Internals for sibling packages (kernels,
// engines, gradient slots, tables) are at the documented subpath "@backprop/core/engine".
export { ACTIVATIONS, HIDDEN_ACTIVATIONS } from './activations.js';
export type { ActivationName } from './activations.js';
export type { DType, Floats } from './arena.js';
export { dataset } from './dataset.js';
export type { Dataset } from './dataset.js';
export { DEFAULTS, batchesPerEpoch, defaultLoss } from './defaults.js';
export { BackpropError, ConfigError, DataError, ModelFileError, NumericError, ShapeError, isUserError } from './errors.js';
export { gradCheck } from './gradcheck.js';
export { SHORT_HASH, weightsHash } from './hash.js';
export { INITS } from './init.js';
export type { InitName } from './init.js';
export type { Backend } from './kernels/index.js';
export { jsBackend } from './kernels/js.js';
export { BACKEND_CHOICES, selectBackend } from './kernels/load.js';
export type { BackendChoice, BackendSelection } from './kernels/load.js';
export { LOSSES } from './losses.js';
export type { LossName } from './losses.js';
export { evaluate, evaluateStream, predictedClass } from './metrics.js';
export type { Evaluation } from './metrics.js';
export { loadModel, resumeTrainer, saveModel } from './modelfile.js';
export type { ModelFile, ResumeOverrides } from './modelfile.js';
export { DEFAULT_MEMORY_BUDGET, Network } from './network.js';
export type { NetworkConfig, NetworkSpec } from './network.js';
export { OPTIMIZERS } from './optimizers.js';
export type { OptimizerName } from './optimizers.js';
export { outputsToTargets } from './preprocess.js';
export type { ColumnEncoding, MissingRule, NormalizationKind, Preprocessing } from './preprocess.js';
export { backwardSample, forwardSample } from './reference.js';
export { SEED_MAX } from './rng.js';
export type { BatchStream } from './stream.js';
export { Trainer } from './trainer.js';
export type { BatchEvent, EpochEvent, FitOptions, FitResult, TrainConfig } from './trainer.js';
