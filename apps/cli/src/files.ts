/**
 * Files: model bytes read with errors that name the file and the fix, outputs checked before any
 * work (a directory, a missing or read-only folder), and written atomically: a temp file
 * `.<name>.<pid>.tmp` beside the target, fsync, rename, fsync of the folder. Temp files left by a
 * process that died (SIGKILL, power loss) are removed by the next run that writes there.
 */
import { accessSync, closeSync, constants, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadModel, ModelFileError, type Backend, type ModelFile } from '@backprop/core';
import { UsageError } from './errors.js';
import { readCliMeta, type CliMeta } from './meta.js';

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

/** A model file read and checked whole (header schema, sizes, checksum, and meta.cli). */
export interface ReadModel extends ModelFile {
  /** The settings `backprop train` saved, or undefined for a model saved from code. */
  cli?: CliMeta;
}

/** Loads a model file; format problems become "<path>: <problem>". */
export function readModel(path: string, backend?: Backend): ReadModel {
  return modelFromBytes(readBytes(path, 'model file'), path, backend);
}

/** The same for bytes from elsewhere (a sweep's checkpoint in Redis); `path` names them in errors. */
export function modelFromBytes(bytes: Uint8Array, path: string, backend?: Backend): ReadModel {
  let file: ModelFile;
  try {
    file = loadModel(bytes, backend ? { backend } : {});
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(`${path}: ${e.message}`);
    throw e;
  }
  return { ...file, cli: readCliMeta(file.meta, path) };
}

/**
 * Checks an output path before any work: not a directory (whatever --force says), in a folder
 * that exists and is writable, and not an existing file unless `force`.
 */
export function checkWritable(path: string, force: boolean, flag = '--force'): void {
  const dir = dirname(path) || '.';
  let st: ReturnType<typeof statSync> | null;
  try {
    st = statSync(path);
  } catch {
    st = null;
  }
  if (st?.isDirectory()) throw new UsageError(`${path} is a directory; name a file inside it, e.g. ${join(path, 'model.bpnn')}`);
  if (st && !force) throw new UsageError(`${path} already exists; pass ${flag} to overwrite it, or choose another path`);
  let dst: ReturnType<typeof statSync>;
  try {
    dst = statSync(dir);
  } catch {
    throw new UsageError(`cannot write ${path}: directory ${dir} does not exist; create it first`);
  }
  if (!dst.isDirectory()) throw new UsageError(`cannot write ${path}: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`cannot write ${path}: directory ${dir} is not writable (permission denied); choose another path`);
  }
}

const TEMP = /^\.(.+)\.(\d+)\.tmp$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Removes `.<name>.<pid>.tmp` files beside `path` whose writer is no longer running (a live pid,
 * even one reused by another program, keeps its file). Returns the names removed.
 */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path) || '.';
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || m[1] !== basename(path) || alive(Number(m[2]))) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // not ours to remove (permissions): leave it
    }
  }
  return removed;
}

/** fsync of a folder, so a rename in it survives a power loss (a no-op where folders cannot be synced). */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL/EPERM on systems that do not sync directories
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Writes bytes to `path` atomically: temp file beside it, fsync, rename, fsync of the folder. */
export function writeAtomic(path: string, data: Uint8Array | string): void {
  removeStaleTemps(path);
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
    syncDir(dirname(path) || '.');
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') throw new UsageError(`cannot write ${path} (${code}); choose a writable path`);
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new UsageError(`cannot write ${path}: the disk is full (${code}); free space or choose another path`);
    throw e;
  }
}

