/**
 * Reading files with errors that name the path and the fix (missing file, a directory,
 * no permission, truncated gzip).
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzip as gunzipCb } from 'node:zlib';
import { promisify } from 'node:util';
import { DataFileError } from '../errors.js';
import { isGzip } from '../gzip.js';

const gunzipAsync = promisify(gunzipCb);

/** A file-system error as a DataFileError naming the path; other errors pass through. */
export function fileError(e: unknown, path: string): unknown {
  const code = (e as { code?: unknown })?.code;
  if (code === 'ENOENT') return new DataFileError({ file: path }, 'no such file', `check the path (relative paths start at ${process.cwd()})`);
  if (code === 'EISDIR') return new DataFileError({ file: path }, 'is a directory, not a file', 'pass a file inside it');
  if (code === 'EACCES' || code === 'EPERM') return new DataFileError({ file: path }, 'cannot be read (permission denied)', 'fix the file permissions');
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new DataFileError({ file: path }, `the gzip data is truncated or corrupt (${(e as Error).message})`, 'download or copy the file again');
  }
  return e;
}

/** The stat of a path, or null when nothing is there. */
export async function statOrNull(path: string): Promise<Awaited<ReturnType<typeof stat>> | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** A file's bytes, decompressed when they are gzip. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(path);
    return isGzip(bytes) ? await gunzipAsync(bytes) : bytes;
  } catch (e) {
    throw fileError(e, path);
  }
}
