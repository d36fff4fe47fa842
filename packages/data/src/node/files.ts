/**
 * Reading files with errors that name the path and the fix (missing file, a directory,
 * no permission, truncated gzip).
 */
import { readFile, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DataFileError } from '../errors.js';
import { inflateError, isGzip } from '../gzip.js';

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

/**
 * A file's bytes, decompressed when they are gzip. `limit` gives the most bytes the data may
 * inflate to, from its first inflated bytes (see gunzip): inflation stops there with an error.
 */
export async function readBytes(path: string, limit?: (head: Uint8Array) => number | null): Promise<Uint8Array> {
  try {
    const bytes = await readFile(path);
    return isGzip(bytes) ? await inflate(bytes, path, limit) : bytes;
  } catch (e) {
    throw fileError(e, path);
  }
}

/** zlib's streaming gunzip, stopped as soon as the output passes the limit. */
function inflate(bytes: Uint8Array, path: string, limit?: (head: Uint8Array) => number | null): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const gz = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    let max: number | null = null;
    gz.on('data', (c: Buffer) => {
      chunks.push(c);
      total += c.length;
      try {
        if (limit && max === null) max = limit(chunks.length === 1 ? c : Buffer.concat(chunks, total));
      } catch (e) {
        gz.destroy();
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      if (max !== null && total > max) {
        gz.destroy();
        reject(inflateError(path, max));
      }
    });
    gz.on('end', () => resolve(Buffer.concat(chunks, total)));
    gz.on('error', reject);
    gz.end(bytes);
  });
}
