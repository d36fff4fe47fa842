// @backprop/core/engine: the internals sibling packages build on (@backprop/parallel, @backprop/data,
// the apps, the benchmarks). Documented and typed, but not the user API of "@backprop/core": the
// kernel contract and its two families, backends and their descriptors, the activation and loss
// tables, engines and gradient slots, the optimizer, and the helpers data loaders share.
export { ACT, LEAKY_SLOPE } from './activations.js';
export type { Activation, Elementwise } from './activations.js';
export { Arena, bytesOf, sharedMemoryAvailable } from './arena.js';
export type { FloatsOf } from './arena.js';
export { macrotask, now } from './clock.js';
export { checkDataset, gatherRows, subset } from './dataset.js';
export { defaultShardSize, validationRows } from './defaults.js';
export { LocalEngine } from './engine.js';
export type { EngineOptions, GradientEngine, TrainStepResult } from './engine.js';
export type { GradCheckOptions, GradCheckResult, LayerCheck } from './gradcheck.js';
export { backendFrom } from './kernels/index.js';
export type { BackendDescriptor, Kernels } from './kernels/index.js';
export { jsKernels } from './kernels/js.js';
export {
  WASM_MAX_PAGES, compileKernels, createKernelMemory, createWasmBackend, instantiateWasmBackend, wasmSharedMemorySupported, wasmSimdSupported,
} from './kernels/wasm.js';
export type { WasmBackend, WasmBackendOptions, WasmBytes, WasmMemory, WasmModule } from './kernels/wasm.js';
export { checkBackendChoice, kernelsWasmUrl, loadKernels } from './kernels/load.js';
export type { KernelsLoader, SelectBackendOptions, WasmUrl } from './kernels/load.js';
export { FUSED, LOSS, lossSum, outputDelta } from './losses.js';
export type { FusedOutput, Loss } from './losses.js';
// the deterministic elementary functions: every engine computes the same bits (math.ts)
export { cos, exp, expm1, log, log1p, pow2, sigmoid, sin, softplus, tanh } from './math.js';
export { argmax } from './metrics.js';
export { FORMAT_VERSION, crc32 } from './modelfile.js';
export type { ModelHeader, SaveOptions } from './modelfile.js';
export { Workspace, checkMemory, formatBytes, layerTable, memoryBudget, resolveSpec, trainingBytes } from './network.js';
export type { LayerInfo, MemoryPlan, ShrinkHints } from './network.js';
export { Optimizer, resolveOptimizer, updateRange } from './optimizers.js';
export type { BetaPowers, BiasCorrections, OptimizerConfig, OptimizerSettings, OptimizerState } from './optimizers.js';
export { PREPROCESSING_VERSION, PreprocessingSchema, columnWidth, identityPreprocessing, normalizeRows, parsePreprocessing } from './preprocess.js';
export type { SampleBackward, SampleForward } from './reference.js';
export { Rng, checkSeed, mixSeed, permutation } from './rng.js';
export type { RngState } from './rng.js';
export { BatchGradient, GradientSlots, claimShards, gradStripes, shardCount } from './shard.js';
export { isBatchStream } from './stream.js';
export type { BatchStats, GradStripe, SharedBatch, SharedSlots, StripePart } from './shard.js';
export type { EarlyStopping, ResolvedTrainConfig, TrainerState } from './trainer.js';
