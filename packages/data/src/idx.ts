/**
 * IDX files (the format of MNIST and Fashion-MNIST): a magic number 00 00 <type> <ndims>,
 * ndims big-endian uint32 sizes, then the items in row-major order, big-endian. Parsing
 * checks the magic, the dimensions and that the data fills the file exactly.
 */
import { gunzip, isGzip } from './gzip.js';
import { DataFileError } from './errors.js';
import { numberedNames, type Table } from './table.js';

export type IdxType = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

export interface IdxArray {
  type: IdxType;
  /** Sizes, e.g. [60000, 28, 28] for images, [60000] for labels. */
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array; // row-major
}

const TYPE_OF_CODE: Record<number, IdxType> = { 0x08: 'u8', 0x09: 'i8', 0x0b: 'i16', 0x0c: 'i32', 0x0d: 'f32', 0x0e: 'f64' };
const CODE_OF_TYPE: Record<IdxType, number> = { u8: 0x08, i8: 0x09, i16: 0x0b, i32: 0x0c, f32: 0x0d, f64: 0x0e };
const SIZE: Record<IdxType, number> = { u8: 1, i8: 1, i16: 2, i32: 4, f32: 4, f64: 8 };

const hex = (bytes: Uint8Array, n: number) => Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');

/** Largest IDX data this reader inflates or allocates (2 GiB): a header declaring more is refused before any work. */
export const MAX_IDX_BYTES = 2 ** 31;

interface IdxHeader {
  type: IdxType;
  dims: number[];
  count: number;
  header: number; // bytes before the data
  bytes: number; // header + data: the file's size
}

/**
 * The header of IDX bytes (magic, type, dims) and the file size it declares; null while `bytes`
 * is too short to hold the whole header (a gzip stream still inflating).
 */
export function idxHeader(bytes: Uint8Array, file = 'IDX data', partial = false): IdxHeader | null {
  if (bytes.length < 4) {
    if (partial) return null;
    throw new DataFileError({ file }, `the file is truncated: ${bytes.length} bytes, fewer than the 4-byte IDX magic number`, 'download or copy the file again');
  }
  const type = TYPE_OF_CODE[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || bytes[3] === 0) {
    throw new DataFileError({ file }, `not an IDX file: it starts with ${hex(bytes, 4)}, not 00 00 <type 08…0e> <dimensions ≥ 1> (e.g. 00 00 08 03 for images, 00 00 08 01 for labels)`, 'pass an IDX file such as train-images-idx3-ubyte (gzip or not)');
  }
  const ndims = bytes[3];
  const header = 4 + 4 * ndims;
  if (bytes.length < header) {
    if (partial) return null;
    throw new DataFileError({ file }, `the file is truncated inside its header: ${ndims} dimensions need ${header} bytes, the file has ${bytes.length}`, 'download or copy the file again');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < ndims; d++) {
    dims.push(view.getUint32(4 + 4 * d, false));
    count *= dims[d];
  }
  const shape = dims.join(' × ');
  if (count === 0) throw new DataFileError({ file }, `the header declares ${shape} items, which is none`, 'pass a file that holds data');
  const need = count * SIZE[type];
  if (need > MAX_IDX_BYTES) throw new DataFileError({ file }, `the header declares ${shape} ${type} values (${need} bytes), more than the ${MAX_IDX_BYTES}-byte limit`, 'check that this is an unmodified IDX file');
  return { type, dims, count, header, bytes: header + need };
}

/** Parses an (uncompressed) IDX file. Unsigned bytes come back as a view, not a copy. */
export function parseIdx(bytes: Uint8Array, file = 'IDX data'): IdxArray {
  if (isGzip(bytes)) throw new DataFileError({ file }, 'the file is gzip-compressed', 'decompress it first (idxFromBytes and readIdx do this for you)');
  const { type, dims, count, header } = idxHeader(bytes, file)!;
  const shape = dims.join(' × ');
  const size = SIZE[type];
  const need = count * size;
  const have = bytes.length - header;
  if (have < need) throw new DataFileError({ file }, `the file is truncated: its header declares ${shape} ${type} values (${need} bytes of data) but only ${have} bytes follow`, 'download or copy the file again');
  if (have > need) throw new DataFileError({ file }, `${have - need} bytes follow the ${need} bytes of data its header declares (${shape} ${type}); the header and the data disagree`, 'check that this is an unmodified IDX file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === 'u8') return { type, dims, data: bytes.subarray(header) };
  const data = new { i8: Int8Array, i16: Int16Array, i32: Int32Array, f32: Float32Array, f64: Float64Array }[type](count);
  for (let i = 0; i < count; i++) {
    const at = header + i * size;
    data[i] = type === 'i8' ? view.getInt8(at) : type === 'i16' ? view.getInt16(at, false) : type === 'i32' ? view.getInt32(at, false) : type === 'f32' ? view.getFloat32(at, false) : view.getFloat64(at, false);
  }
  return { type, dims, data };
}

/** The inflation limit of gzip IDX data: the size its header declares (unknown until the header has inflated). */
export function idxInflateLimit(file: string): (head: Uint8Array) => number | null {
  return (head) => idxHeader(head, file, true)?.bytes ?? null;
}

/** Decompresses (when gzip) and parses IDX bytes. */
export async function idxFromBytes(bytes: Uint8Array, file = 'IDX data'): Promise<IdxArray> {
  return parseIdx(await gunzip(bytes, file, idxInflateLimit(file)), file);
}

/** The bytes of an IDX file holding `a` (big-endian, as the format requires). */
export function encodeIdx(a: IdxArray): Uint8Array {
  const size = SIZE[a.type];
  const count = a.dims.reduce((p, d) => p * d, 1);
  if (a.data.length !== count) throw new DataFileError({}, `IDX data has ${a.data.length} values but dims ${a.dims.join(' × ')} need ${count}`, 'give data that matches the dims');
  const header = 4 + 4 * a.dims.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = CODE_OF_TYPE[a.type];
  out[3] = a.dims.length;
  a.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  if (a.type === 'u8') {
    out.set(a.data, header);
    return out;
  }
  for (let i = 0; i < count; i++) {
    const at = header + i * size;
    const x = a.data[i];
    if (a.type === 'i8') view.setInt8(at, x);
    else if (a.type === 'i16') view.setInt16(at, x, false);
    else if (a.type === 'i32') view.setInt32(at, x, false);
    else if (a.type === 'f32') view.setFloat32(at, x, false);
    else view.setFloat64(at, x, false);
  }
  return out;
}

/** Label names "0", "1", …, "K−1". */
export function digitLabels(K: number): string[] {
  return numberedNames('', K);
}

/** The largest label in an IDX labels array (−1 when empty). */
export function maxIdxLabel(labels: IdxArray): number {
  let m = -1;
  for (let i = 0; i < labels.data.length; i++) if (labels.data[i] > m) m = labels.data[i];
  return m;
}

export interface IdxTableOptions {
  name?: string;
  imagesFile?: string;
  labelsFile?: string;
  /** Class names by label value. Default "0" … "max label". */
  labelNames?: string[];
}

/**
 * A table from an images array (N, …) and a labels array (N): features are the flattened
 * items ("pixel0" …); unsigned bytes stay bytes, read as x = byte / 255.
 */
export function idxTable(images: IdxArray, labels: IdxArray, opts: IdxTableOptions = {}): Table {
  const imagesFile = opts.imagesFile ?? 'images';
  const labelsFile = opts.labelsFile ?? 'labels';
  if (images.dims.length < 2) {
    throw new DataFileError({ file: imagesFile }, `the images file has dims ${images.dims.join(' × ')}, one dimension only (a labels file?)`, 'pass the images file (idx3, N × rows × cols) as images and the labels file (idx1) as labels');
  }
  if (labels.dims.length !== 1) {
    throw new DataFileError({ file: labelsFile }, `the labels file has dims ${labels.dims.join(' × ')}, not one label per item (an images file?)`, 'pass the labels file (idx1, one byte per item) as labels');
  }
  if (labels.type === 'f32' || labels.type === 'f64') throw new DataFileError({ file: labelsFile }, `labels are ${labels.type} numbers, not whole class numbers`, 'pass an integer (ubyte) labels file');
  const N = images.dims[0];
  if (labels.dims[0] !== N) {
    throw new DataFileError({ file: labelsFile }, `${labels.dims[0]} labels for ${N} images in ${imagesFile}`, 'pass the labels file that belongs to these images (train with train, t10k with t10k)');
  }
  const nIn = images.dims.slice(1).reduce((p, d) => p * d, 1);
  const K = opts.labelNames?.length ?? maxIdxLabel(labels) + 1;
  const names = opts.labelNames ?? digitLabels(K);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const c = labels.data[i];
    if (c < 0 || c >= K) throw new DataFileError({ file: labelsFile, row: i }, `label ${c} is outside the ${K} classes (${names.join(', ')})`, 'give a name for every class, or pass a labels file with values 0 … K−1');
    y[i] = c;
  }
  const bytes = images.type === 'u8';
  return {
    name: opts.name ?? imagesFile,
    source: `idx ${imagesFile} + ${labelsFile}`,
    X: images.data instanceof Uint8Array || images.data instanceof Float32Array || images.data instanceof Float64Array ? images.data : Float64Array.from(images.data),
    divisor: bytes ? 255 : 1,
    N,
    nIn,
    features: numberedNames('pixel', nIn),
    target: { kind: 'classes', y, labels: names, known: true },
    normalization: 'none',
  };
}
