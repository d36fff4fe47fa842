/**
 * Web-platform globals that exist in browsers, workers and Node but are not in the ES2022
 * lib core compiles against (core stays free of DOM and Node types by construction).
 */
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: { new (): { decode(b: Uint8Array): string } };

export function utf8Encode(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function utf8Decode(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

/** The part of AbortSignal the trainer reads. */
export interface AbortSignalLike {
  readonly aborted: boolean;
}
