// Crafted model files for tests: any header with a body and a valid checksum.
import { crc32 } from '../modelfile.js';

/** A model file with the given header and body, and a checksum that matches (a forged, not a corrupt, file). */
export function forge(header: unknown, body: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const H = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(16 + H + body.length);
  out.set([0x42, 0x50, 0x4e, 0x4e]);
  const dv = new DataView(out.buffer);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, H, true);
  out.set(json, 16);
  out.fill(0x20, 16 + json.length, 16 + H);
  out.set(body, 16 + H);
  dv.setUint32(12, crc32(out.subarray(16)), true);
  return out;
}
