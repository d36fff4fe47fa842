// @backprop/core: dense networks and backpropagation on shared-memory tensors.
export { Arena, align, allocBuffer, bytesOf, sharedFloats, sharedMemoryAvailable } from './arena.js';
export type { DType, Floats } from './arena.js';
export { ACTIVATIONS, HIDDEN_ACTIVATIONS, LEAKY_SLOPE, PHI, activationBackward, activationForward, checkActivation, softmaxRows, softplus } from './activations.js';
export type { ActivationName, Phi } from './activations.js';
export { checkDataset, dataset, gatherRows, subset } from './dataset.js';
export type { Dataset } from './dataset.js';
export { LocalEngine, allocSlots, sumStats } from './engine.js';
export type { BatchStats, EngineOptions, GradientEngine } from './engine.js';
export { BackpropError, ConfigError, DataError, ModelFileError, NumericError, ShapeError, isUserError } from './errors.js';
export { gradCheck } from './gradcheck.js';
export type { GradCheckOptions, GradCheckResult, LayerCheck } from './gradcheck.js';
export { INITS, checkInit, defaultInit, initLayer } from './init.js';
export type { InitName } from './init.js';
export { jsBackend, jsKernels } from './kernels/index.js';
export type { Backend, Kernels } from './kernels/index.js';
export { denseBackwardInput, denseBackwardWeights, denseForward } from './kernels/js.js';
export {
  BACKEND_CHOICES, WASM_MAX_PAGES, WASM_PAGE, checkBackendChoice, compileKernels, createKernelMemory, createWasmBackend,
  fetchKernels, instantiateWasmBackend, kernelsWasmUrl, selectBackend, wasmSharedMemorySupported, wasmSimdSupported,
} from './kernels/wasm.js';
export type { BackendChoice, WasmBackend, WasmBackendOptions, WasmKernels, WasmMemory, WasmModule, WasmUrl } from './kernels/wasm.js';
export { LOSSES, checkLoss, lossSum, outputDelta } from './losses.js';
export type { LossName } from './losses.js';
export { argmax, countCorrect, evaluate, evaluateStream, predictedClass } from './metrics.js';
export type { Evaluation } from './metrics.js';
export { FORMAT_VERSION, crc32, loadModel, resumeTrainer, saveModel } from './modelfile.js';
export type { ModelFile, ModelHeader, SaveOptions } from './modelfile.js';
export { Network, Workspace, layerTable, layerViews, resolveSpec } from './network.js';
export type { LayerInfo, NetworkConfig, NetworkSpec } from './network.js';
export { OPTIMIZERS, Optimizer, meanRegularisedGradient, regularisationLoss, resolveOptimizer } from './optimizers.js';
export type { OptimizerConfig, OptimizerName, OptimizerSettings, OptimizerState } from './optimizers.js';
export { PREPROCESSING_VERSION, PreprocessingSchema, columnWidth, identityPreprocessing, normalizeRows, outputsToTargets, parsePreprocessing } from './preprocess.js';
export type { ColumnEncoding, MissingRule, NormalizationKind, Preprocessing } from './preprocess.js';
export { backwardSample, forwardSample } from './reference.js';
export type { SampleBackward, SampleForward } from './reference.js';
export { Rng, mixSeed, permutation } from './rng.js';
export type { RngState } from './rng.js';
export { defaultShardSize, reduceSlots, shardCount, shardGradient } from './shard.js';
export { isBatchStream } from './stream.js';
export type { BatchStream } from './stream.js';
export { Trainer, resolveTrainConfig } from './trainer.js';
export type { BatchEvent, EarlyStopping, EpochEvent, FitOptions, FitResult, ResolvedTrainConfig, TrainConfig, TrainerState } from './trainer.js';
export { now } from './clock.js';
