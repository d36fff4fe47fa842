/**
 * Reads the kernels file in Node: the `#read-kernels` variant under the `node` condition
 * (package.json `imports`). A file: URL (the packaged build/kernels.wasm) or a path is read from
 * disk, since Node's fetch does not read files; http(s) URLs are fetched.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readKernels as fetchKernels } from './read.js';

export async function readKernels(href: string): Promise<Uint8Array | ArrayBuffer> {
  if (/^(https?|data|blob):/i.test(href)) return fetchKernels(href);
  const path = href.startsWith('file:') ? fileURLToPath(href) : href;
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path} does not exist` : code === 'EACCES' ? `${path} is not readable (permission denied)` : (e as Error).message, { cause: e });
  }
}
