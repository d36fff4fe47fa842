/**
 * Reads the kernels file over the network: the `#read-kernels` variant for browsers, Web Workers
 * and every host that is not Node (package.json `imports`). Throws an Error naming the cause.
 */
declare const fetch: (url: string) => Promise<{ ok: boolean; status: number; statusText: string; arrayBuffer(): Promise<ArrayBuffer> }>;

export async function readKernels(href: string): Promise<ArrayBuffer> {
  let res;
  try {
    res = await fetch(href);
  } catch (e) {
    throw new Error(`the request failed (${(e as Error)?.message ?? String(e)})`, { cause: e });
  }
  if (!res.ok) throw new Error(`the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  return res.arrayBuffer();
}
