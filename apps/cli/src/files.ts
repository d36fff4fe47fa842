/**
 * Files: model bytes read with errors that name the file and the fix, and outputs written
 * atomically (a temp file in the same directory, then rename) so a crash or Ctrl-C never
 * leaves half a model behind.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadModel, ModelFileError, type Backend, type ModelFile } from '@backprop/core';
import { UsageError } from './errors.js';

/** Reads a file whole, turning ENOENT/EACCES/EISDIR into a usage error. */
export function readBytes(path: string, what: string): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${what} ${path} is a directory; pass a file`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${what} ${path} does not exist; check the path`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`${what} ${path} is not readable (permission denied); fix its permissions`);
    throw new UsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/** Loads a model file; format problems become "<path>: <problem>". */
export function readModel(path: string, backend?: Backend): ModelFile {
  const bytes = readBytes(path, 'model file');
  try {
    return loadModel(bytes, backend ? { backend } : {});
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Refuses to overwrite an existing output unless --force. */
export function checkWritable(path: string, force: boolean, flag = '--force'): void {
  if (existsSync(path) && !force) throw new UsageError(`${path} already exists; pass ${flag} to overwrite it, or choose another path`);
  if (!existsSync(dirname(path) || '.')) throw new UsageError(`cannot write ${path}: directory ${dirname(path)} does not exist`);
}

/** Writes bytes to `path` atomically: temp file beside it, fsync, rename. */
export function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'EISDIR') throw new UsageError(`cannot write ${path} (${code}); choose a writable path`);
    throw e;
  }
}
