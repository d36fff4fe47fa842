// @backprop/core/formats: other tools' model formats, bytes in and bytes out (browser-safe).
export { ONNX_IR_VERSION, ONNX_OPSET, exportOnnx, importOnnx } from './onnx.js';
export type { OnnxExportOptions } from './onnx.js';
export { PREPROCESSING_DOC, exportTfjs, importTfjs, readPreprocessingJson, safeWeightsPath, tfjsWeightFiles } from './tfjs.js';
export type { TfjsFiles, TfjsImportOptions, WeightFiles } from './tfjs.js';
export { MAX_ELEMENTS } from './layers.js';
export type { ImportedModel, ImportOptions } from './layers.js';
