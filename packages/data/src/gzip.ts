/**
 * gzip detection and decompression over bytes with the web platform's DecompressionStream
 * (browsers, workers and Node ≥ 18 alike), so the browser-safe loaders take .gz files too.
 */
import { DataFileError } from './errors.js';

// Web-platform streams are not in the ES2022 lib; declare the part used here.
interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel?(): Promise<void>;
}
interface ByteWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
declare const DecompressionStream: {
  new (format: 'gzip'): { writable: { getWriter(): ByteWriter }; readable: { getReader(): ByteReader } };
} | undefined;

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip bytes; bytes that are not gzip come back unchanged. `limit` (optional) gives
 * the most bytes the data may inflate to, from its first inflated bytes (null: not known yet), so
 * a small crafted file cannot inflate to gigabytes before its header is checked.
 */
export async function gunzip(bytes: Uint8Array, file = 'data', limit?: (head: Uint8Array) => number | null): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  if (typeof DecompressionStream === 'undefined') {
    throw new DataFileError({ file }, 'the file is gzip-compressed and this runtime has no DecompressionStream', 'decompress it first, or use a current browser or Node ≥ 18');
  }
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  writer.write(bytes).catch(() => {}); // a failure surfaces on the reader below
  writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let max: number | null = null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value!);
      total += value!.length;
      if (limit && max === null) max = limit(chunks.length === 1 ? chunks[0] : concat(chunks, total));
      if (max !== null && total > max) {
        reader.cancel?.().catch(() => {});
        throw new InflateLimit(max);
      }
    }
  } catch (e) {
    if (e instanceof InflateLimit) throw inflateError(file, e.max);
    if (e instanceof DataFileError) throw e;
    throw new DataFileError({ file }, `the gzip data is truncated or corrupt (${e instanceof Error ? e.message : String(e)})`, 'download or copy the file again');
  }
  return concat(chunks, total);
}

class InflateLimit extends Error {
  constructor(readonly max: number) {
    super('inflate limit');
  }
}

/** The error for gzip data that inflates past what its content declares. */
export function inflateError(file: string, max: number): DataFileError {
  return new DataFileError({ file }, `the gzip data inflates to more than the ${max} bytes its content declares; stopped there`, 'check that this is an unmodified file (gzip of one IDX file)');
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
