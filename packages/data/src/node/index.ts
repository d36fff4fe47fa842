// @backprop/data/node: file-system loaders (CSV streams, IDX files, the mnist package) and load(spec).
export { feedChunks, fileChunks, peekText, readCsvTable, scanChunks } from './csv.js';
export { fileError, readBytes } from './files.js';
export { IDX_FILE_NAME, findIdxFiles, loadIdx, readIdx } from './idx.js';
export type { IdxFiles } from './idx.js';
export { modelCsvOptions, readInputs } from './inputs.js';
export { load } from './load.js';
export { loadMnist, mnistPackageDir, readMnistPixels, writeMnistIdx } from './mnist.js';
export { CsvStream, loadStream } from './stream.js';
export type { StreamOptions, StreamedData } from './stream.js';
