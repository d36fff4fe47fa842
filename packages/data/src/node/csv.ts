/**
 * CSV files, streamed: the file (gunzipped when it ends in .gz) flows through csv-parse into
 * the same CsvBuilder as CSV text, so memory holds the numbers, never the text.
 */
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { CsvBuilder, csvParseOptions, csvSyntaxError, sniffDelimiter, type CsvOptions } from '../csv.js';
import type { Table } from '../table.js';
import { fileError, statOrNull } from './files.js';

/** The first up-to-64 KiB of a file as text (decompressed for .gz), to sniff the separator. */
async function peek(path: string, gz: boolean): Promise<string> {
  const raw = createReadStream(path, gz ? {} : { end: 65535 });
  const s: Readable = gz ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const chunk of s) return (chunk as Buffer).toString('utf8', 0, Math.min((chunk as Buffer).length, 65536));
    return '';
  } catch {
    return ''; // the full read below reports the error
  } finally {
    s.destroy();
    raw.destroy();
  }
}

/** The start of a file as text (gunzipped when it ends in .gz); '' when it cannot be read. */
export async function peekText(path: string): Promise<string> {
  return peek(path, path.toLowerCase().endsWith('.gz'));
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
  const parser = parse({ ...csvParseOptions(delimiter), info: true });
  const stages = gz ? [createReadStream(path), createGunzip(), parser] : [createReadStream(path), parser];
  pipeline(stages as unknown as [Readable, NodeJS.WritableStream], () => {}); // a failing stage destroys the parser with its error
  const builder = new CsvBuilder({ ...opts, file });
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) builder.add(record, info.lines);
  } catch (e) {
    throw fileError(csvSyntaxError(e, file), file);
  }
  return builder.finish();
}
