// A model's identity: the SHA-256 of its parameter bytes. Training is deterministic, so two runs
// with the same settings print the same hash, whatever machine, worker count or engine ran them
// (within one kernel family; see the README's determinism section). @noble/hashes is synchronous
// and runs unchanged in Node, browsers and workers, unlike node:crypto or crypto.subtle.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Floats } from './arena.js';

/** Hex digits shown where a hash is printed for people (the CLI's summary, the web app's badge). */
export const SHORT_HASH = 12;

/** Hex SHA-256 of the little-endian bytes of `params` (a network's flat parameter vector). */
export function weightsHash(params: Floats): string {
  return bytesToHex(sha256(new Uint8Array(params.buffer, params.byteOffset, params.byteLength)));
}
