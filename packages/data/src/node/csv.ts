/**
 * CSV files from disk (plain, .tsv, .gz), read in 1 MiB chunks into the same CsvReader as CSV
 * text: unquoted lines take the fast path (numbers parsed from the bytes straight into float32
 * shared memory); from the first line with a quote on, the rest of the file streams through
 * csv-parse. A first pass counts the lines of a plain file, so the store is allocated once.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { CsvReader, csvParseOptions, csvSyntaxError, lastLineBreak, sniffDelimiter, type CsvOptions } from '../csv.js';
import type { Table } from '../table.js';
import { fileError, statOrNull } from './files.js';

const CHUNK = 1 << 20;

/**
 * The file's bytes in chunks of about 1 MiB (gunzipped for .gz); file and gzip errors name the
 * path. A plain file is read into one reused buffer (no garbage per chunk, so memory stays flat on
 * a file of any size): a chunk is valid until the next one is asked for.
 */
export async function* fileChunks(path: string, gz: boolean): AsyncGenerator<Uint8Array> {
  if (!gz) {
    let fh: Awaited<ReturnType<typeof open>> | null = null;
    try {
      fh = await open(path, 'r');
      const buf = new Uint8Array(CHUNK);
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) return;
        yield buf.subarray(0, bytesRead);
      }
    } catch (e) {
      throw fileError(e, path);
    } finally {
      await fh?.close();
    }
  }
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  const s: Readable = pipeline(raw, createGunzip({ chunkSize: CHUNK }), () => {});
  try {
    for await (const chunk of s) yield chunk as Uint8Array;
  } catch (e) {
    throw fileError(e, path);
  } finally {
    s.destroy();
    raw.destroy();
  }
}

/** The first up-to-64 KiB of a file as text (decompressed for .gz), to sniff the separator. */
async function peek(path: string, gz: boolean): Promise<string> {
  try {
    for await (const chunk of fileChunks(path, gz)) return Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.length, 65536)).toString('utf8'); // decoded (copied) before the buffer is reused
    return '';
  } catch {
    return ''; // the full read below reports the error
  }
}

/** The start of a file as text (gunzipped when it ends in .gz); '' when it cannot be read. */
export async function peekText(path: string): Promise<string> {
  return peek(path, path.toLowerCase().endsWith('.gz'));
}

/** LF bytes in a plain file (an upper bound on its records), read at the speed of the disk. */
async function countFileLines(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of fileChunks(path, false)) {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) n++;
  }
  return n;
}

/** a then b, in a new array (never a view of b: the chunk buffer is reused). */
function concat(a: Uint8Array | null, b: Uint8Array): Uint8Array {
  const n = a ? a.length : 0;
  const out = new Uint8Array(n + b.length);
  if (!a) {
    out.set(b);
    return out;
  }
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Feeds chunks to a reader: whole lines through the fast path where they lie in the chunk, a line
 * cut by the chunk end carried into the next chunk. At the first line the fast path cannot take (a
 * quote), that line and every later byte go through csv-parse, with file lines counted on. Yields
 * after each chunk (and every `records` records through csv-parse): the reader then holds that
 * chunk's rows, for a stream to take before they are cleared.
 */
export async function* scanChunks(reader: CsvReader, source: AsyncIterator<Uint8Array>, records = 4096): AsyncGenerator<void> {
  try {
    yield* scanLines(reader, source, records);
  } finally {
    await source.return?.(undefined); // an abandoned scan closes the file
  }
}

async function* scanLines(reader: CsvReader, source: AsyncIterator<Uint8Array>, records: number): AsyncGenerator<void> {
  let carry: Uint8Array | null = null; // the start of a line cut by the previous chunk's end
  let line = 1;
  for (;;) {
    const next = await source.next();
    if (next.done) {
      if (carry && carry.length > 0) {
        const r = reader.scan(carry, 0, carry.length, line);
        if (r.bail) yield* parseRest(reader, carry.subarray(r.pos), source, r.line - 1, records);
        else yield;
      }
      return;
    }
    const chunk = next.value;
    let from = 0;
    if (carry) {
      // finish the cut line: the carry plus this chunk up to its first line break (a small copy)
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        carry = concat(carry, chunk);
        continue;
      }
      const joined = concat(carry, chunk.subarray(0, nl + 1));
      const r = reader.scan(joined, 0, joined.length, line);
      line = r.line;
      if (r.bail) {
        yield* parseRest(reader, concat(joined.subarray(r.pos), chunk.subarray(nl + 1)), source, line - 1, records);
        return;
      }
      from = nl + 1;
    }
    const end = lastLineBreak(chunk, from, chunk.length);
    if (end < 0) {
      carry = chunk.slice(from);
      continue;
    }
    const r = reader.scan(chunk, from, end, line); // whole lines, scanned where they lie
    line = r.line;
    if (r.bail) {
      yield* parseRest(reader, chunk.subarray(r.pos), source, line - 1, records);
      return;
    }
    carry = end < chunk.length ? chunk.slice(end) : null;
    yield;
  }
}

/** Feeds every chunk to the reader (the resident table: nothing is cleared). */
export async function feedChunks(reader: CsvReader, source: AsyncIterator<Uint8Array>): Promise<void> {
  for await (const _ of scanChunks(reader, source, Infinity)) {
    // the reader keeps every row
  }
}

/** The rest of the data through csv-parse; record lines are counted from `lineOffset`. */
async function* parseRest(reader: CsvReader, head: Uint8Array, source: AsyncIterator<Uint8Array>, lineOffset: number, records: number): AsyncGenerator<void> {
  async function* rest(): AsyncGenerator<Buffer> {
    yield Buffer.from(head);
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      yield Buffer.from(next.value); // a copy: the source reuses its buffer, and csv-parse may read ahead
    }
  }
  const parser = parse({ ...csvParseOptions(reader.delimiter), bom: lineOffset === 0, info: true });
  pipeline(Readable.from(rest()), parser, () => {}); // a failing stage destroys the parser with its error
  let n = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      reader.record(record, info.lines + lineOffset);
      if (++n % records === 0) yield;
    }
  } catch (e) {
    throw csvSyntaxError(e, reader.file, lineOffset);
  }
  yield;
}

/** Streams a CSV file (optionally .gz) into a Table; errors name the file, line and column. */
export async function readCsvTable(path: string, opts: CsvOptions = {}): Promise<Table> {
  const file = opts.file ?? path;
  const st = await statOrNull(path);
  if (!st) throw fileError({ code: 'ENOENT' }, path);
  if (st.isDirectory()) throw fileError({ code: 'EISDIR' }, path);
  const gz = path.toLowerCase().endsWith('.gz');
  const tsv = /\.tsv(\.gz)?$/i.test(path);
  const delimiter = opts.delimiter ?? (tsv ? '\t' : sniffDelimiter(await peek(path, gz)));
  const capacity = opts.capacity ?? (gz ? undefined : (await countFileLines(path)) + 1);
  const reader = new CsvReader({ ...opts, file, capacity }, delimiter);
  try {
    await feedChunks(reader, fileChunks(path, gz));
  } catch (e) {
    throw fileError(e, file);
  }
  return reader.finish();
}
