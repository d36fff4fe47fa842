// @backprop/data: datasets as shared-memory matrices (browser-safe part: parsers over text and
// bytes, generators, normalisation, splits). File-system loaders: "@backprop/data/node".
export { BUILTIN_SETS, isBuiltin, loadBuiltin, parseBuiltinSpec } from './builtin.js';
export type { LoadOptions } from './builtin.js';
export { CsvReader, LABEL_COLUMN_NAMES, csvTable, isMissingCell, parseCell, sniffDelimiter } from './csv.js';
export type { CsvOptions } from './csv.js';
export { bindColumns, encodeRows, encodeTable, modelColumns } from './encode.js';
export type { EncodeOptions, RawCell } from './encode.js';
export { DataFileError, NonFiniteValueError, describeLocation, nonFiniteError } from './errors.js';
export type { Location } from './errors.js';
export { gunzip, isGzip } from './gzip.js';
export { MAX_IDX_BYTES, digitLabels, encodeIdx, idxFromBytes, idxHeader, idxInflateLimit, idxTable, maxIdxLabel, parseIdx } from './idx.js';
export type { IdxArray, IdxTableOptions, IdxType } from './idx.js';
export { inputsFromJson } from './inputs.js';
export { IRIS, IRIS_FEATURES, IRIS_LABELS, irisTable } from './iris.js';
export { labelIndex, labelName, oneHot, predictedLabels } from './labels.js';
export { checkMissingPolicy, columnMissing, missingFor } from './missing.js';
export type { ColumnMissing, MissingOption, MissingPolicy } from './missing.js';
export {
  FASHION_MNIST_LABELS,
  MNIST_IDX_FILES,
  MNIST_LABELS,
  MNIST_PIXELS,
  MNIST_SIDE,
  digitJsonPixels,
  fetchMnist,
  mnistData,
  mnistIdx,
  mnistPixelsByClass,
  mnistPixelsFromArrays,
  mnistPixelsFromIdx,
  mnistTable,
} from './mnist.js';
export type { FetchLike, MnistPixels } from './mnist.js';
export { NORMALIZATIONS, applyPreprocessing, checkNormalization, fitNormalization } from './normalize.js';
export type { Normalization } from './normalize.js';
export { buildPreprocessing, inputsFor, permuteRows, prepare, prepareFor, targetRows } from './prepare.js';
export { StreamFit } from './stream-fit.js';
export type { LoadedData, PrepareOptions } from './prepare.js';
export { DEFAULT_SEED, DEFAULT_TEST, argmaxClasses, gatherShared, splitCount, splitDataset, splitRows } from './split.js';
export type { SplitOptions, SplitRows } from './split.js';
export { regressionErrors } from './targets.js';
export type { RegressionErrors } from './targets.js';
export { SYNTHETIC_SETS, checkSyntheticName, syntheticTable } from './synthetic.js';
export type { SyntheticName, SyntheticOptions } from './synthetic.js';
export { checkTable, encodeClasses, numberedNames, rowLocation, sortLabels } from './table.js';
export type { NormalizationKind, Table, Target } from './table.js';
