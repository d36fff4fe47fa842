// IDX parsing over bytes: a hand-built file read back value by value, every element type round
// trip, gzip through DecompressionStream, and each malformed file refused with its reason.
import { gzipSync } from 'node:zlib';
import { NumericError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { DataFileError } from './errors.js';
import { gunzip, isGzip } from './gzip.js';
import { encodeIdx, idxFromBytes, idxTable, parseIdx, type IdxArray } from './idx.js';
import { prepare } from './prepare.js';

/** 2 images of 2 × 3 bytes, written by hand: magic 00 00 08 03, dims 2, 2, 3 (big-endian), data. */
const images = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 1]);
/** Their labels: 00 00 08 01, dims 2, data 7, 3. */
const labels = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);

describe('parseIdx', () => {
  it('reads a hand-built idx3 images file and idx1 labels file', () => {
    const im = parseIdx(images, 'im');
    expect(im.type).toBe('u8');
    expect(im.dims).toEqual([2, 2, 3]);
    expect(Array.from(im.data)).toEqual([0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 1]);
    const lb = parseIdx(labels, 'lb');
    expect(lb.dims).toEqual([2]);
    expect(Array.from(lb.data)).toEqual([7, 3]);
  });

  it('reads big-endian multi-byte types: i16 0x0102 = 258, f32 bytes 3f c0 00 00 = 1.5', () => {
    const i16 = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
    expect(Array.from(parseIdx(i16).data)).toEqual([258, -2]);
    const f32 = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]);
    expect(Array.from(parseIdx(f32).data)).toEqual([1.5]);
  });

  it('encodeIdx ∘ parseIdx is the identity for every element type', () => {
    const cases: IdxArray[] = [
      { type: 'u8', dims: [2, 2], data: Uint8Array.from([1, 2, 3, 250]) },
      { type: 'i8', dims: [3], data: Int8Array.from([-128, 0, 127]) },
      { type: 'i16', dims: [2], data: Int16Array.from([-32768, 1234]) },
      { type: 'i32', dims: [1, 2], data: Int32Array.from([-5, 2 ** 31 - 1]) },
      { type: 'f32', dims: [2], data: Float32Array.from([0.1, -3e38]) },
      { type: 'f64', dims: [2, 1, 1], data: Float64Array.from([Math.PI, -0]) },
    ];
    for (const a of cases) {
      const back = parseIdx(encodeIdx(a));
      expect(back.type).toBe(a.type);
      expect(back.dims).toEqual(a.dims);
      expect(Array.from(back.data)).toEqual(Array.from(a.data));
    }
    expect(Array.from(encodeIdx({ type: 'u8', dims: [2], data: Uint8Array.from([7, 3]) }))).toEqual(Array.from(labels));
  });

  const fails = (bytes: Uint8Array, message: RegExp) => {
    expect(() => parseIdx(bytes, 'bad-idx')).toThrow(DataFileError);
    expect(() => parseIdx(bytes, 'bad-idx')).toThrow(message);
  };

  it('refuses a wrong magic number, naming the bytes found', () => {
    fails(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), /^bad-idx: not an IDX file: it starts with 50 4b 03 04/);
    fails(Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 1, 5]), /not an IDX file/); // unknown type code
    fails(Uint8Array.from([0, 0, 8, 0]), /not an IDX file/); // zero dimensions
  });

  it('refuses gzip bytes, truncated headers and data, extra bytes and empty data', () => {
    fails(gzipSync(images), /^bad-idx: the file is gzip-compressed; decompress it first/);
    fails(Uint8Array.from([0, 0]), /truncated: 2 bytes, fewer than the 4-byte IDX magic number/);
    fails(images.subarray(0, 10), /truncated inside its header: 3 dimensions need 16 bytes, the file has 10/);
    fails(images.subarray(0, images.length - 1), /^bad-idx: the file is truncated: its header declares 2 × 2 × 3 u8 values \(12 bytes of data\) but only 11 bytes follow; download or copy the file again$/);
    fails(Uint8Array.from([...labels, 9]), /1 bytes follow the 2 bytes of data its header declares/);
    fails(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 0]), /declares 0 items, which is none/);
  });
});

describe('gzip', () => {
  it('detects and decompresses gzip with DecompressionStream; plain bytes pass through', async () => {
    const gz = gzipSync(images);
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(images)).toBe(false);
    expect(Array.from(await gunzip(gz))).toEqual(Array.from(images));
    expect(await gunzip(images)).toBe(images);
    expect(Array.from((await idxFromBytes(gz, 'im.gz')).data)).toEqual(Array.from(parseIdx(images).data));
  });

  it('a truncated gzip file is a DataFileError naming the file', async () => {
    const gz = gzipSync(new Uint8Array(5000).fill(7));
    await expect(gunzip(gz.subarray(0, gz.length - 10), 'cut.gz')).rejects.toThrow(/^cut\.gz: the gzip data is truncated or corrupt/);
  });
});

describe('idxTable', () => {
  it('flattens items into features pixel0 …, keeps bytes read as byte/255, labels 0 … max', () => {
    const t = idxTable(parseIdx(images), parseIdx(labels), { imagesFile: 'im', labelsFile: 'lb' });
    expect([t.N, t.nIn, t.divisor]).toEqual([2, 6, 255]);
    expect(t.features).toEqual(['pixel0', 'pixel1', 'pixel2', 'pixel3', 'pixel4', 'pixel5']);
    expect(t.X).toBeInstanceOf(Uint8Array);
    if (t.target.kind !== 'classes') throw new Error('classes expected');
    expect(t.target.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(Array.from(t.target.y)).toEqual([7, 3]);
  });

  it('refuses swapped files, count mismatches and labels without a name', () => {
    expect(() => idxTable(parseIdx(labels), parseIdx(labels), { imagesFile: 'lb2' })).toThrow(/^lb2: the images file has dims 2, one dimension only \(a labels file\?\)/);
    expect(() => idxTable(parseIdx(images), parseIdx(images), { labelsFile: 'im2' })).toThrow(/^im2: the labels file has dims 2 × 2 × 3/);
    const three = encodeIdx({ type: 'u8', dims: [3], data: Uint8Array.from([1, 2, 3]) });
    expect(() => idxTable(parseIdx(images), parseIdx(three), { imagesFile: 'im', labelsFile: 'lb3' })).toThrow(/^lb3: 3 labels for 2 images in im; pass the labels file that belongs to these images/);
    expect(() => idxTable(parseIdx(images), parseIdx(labels), { labelsFile: 'lb', labelNames: ['a', 'b', 'c', 'd'] })).toThrow(/^lb, row 0: label 7 is outside the 4 classes/);
  });

  it('float images are checked for NaN (a missing value) by row and pixel', () => {
    const f = encodeIdx({ type: 'f32', dims: [2, 2], data: Float32Array.from([0, 1, Number.NaN, 0]) });
    const t = idxTable(parseIdx(f), parseIdx(labels), { name: 'floats' });
    expect(t.X).toBeInstanceOf(Float32Array);
    expect(t.divisor).toBe(1);
    expect(() => prepare(t)).toThrow(DataFileError);
    expect(() => prepare(t)).toThrow('floats, row 1, column "pixel0" (index 0): missing value in a feature column; pass missing:');
    const inf = idxTable(parseIdx(encodeIdx({ type: 'f32', dims: [2, 2], data: Float32Array.from([0, 1, Infinity, 0]) })), parseIdx(labels), { name: 'floats' });
    expect(() => prepare(inf)).toThrow(NumericError);
  });
});
