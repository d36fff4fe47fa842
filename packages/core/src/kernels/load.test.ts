// Finding, loading and choosing the WASM kernels: zero-argument selection from the packaged
// file, custom hosting (url, loader), and every way loading can fail (missing file, HTTP 404,
// an unreachable host, an HTML page instead of the .wasm, bytes that do not compile, no SIMD,
// no cross-origin isolation): `auto` falls back to JS and names the cause, `wasm` fails with it.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors.js';
import { kernelsWasmBytes } from '../test-utils/backends.js';
import { jsBackend } from './js.js';
import { checkBackendChoice, kernelsWasmUrl, loadKernels, selectBackend, type BackendChoice } from './load.js';
import { compileKernels, type WasmBackend } from './wasm.js';

const FALLBACK = /; the JS kernels run instead$/;

let server: Server;
let base = '';
const dir = mkdtempSync(join(tmpdir(), 'backprop-load-'));
beforeAll(async () => {
  const wasm = kernelsWasmBytes();
  server = createServer((req, res) => {
    if (req.url === '/kernels.wasm') return void res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm);
    if (req.url === '/app/kernels.wasm') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>app</body></html>');
    if (req.url === '/broken.wasm') return void res.writeHead(200, { 'content-type': 'application/wasm' }).end(Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff]));
    res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('selectBackend finds the packaged kernels by itself', () => {
  it('auto with no arguments is the WASM backend, loaded from build/kernels.wasm next to the code', async () => {
    const { backend, reason } = await selectBackend();
    expect(backend.name).toBe('wasm');
    expect(reason).toBe('WebAssembly SIMD and shared memory are available, so the WASM SIMD kernels run');
    expect(kernelsWasmUrl().href).toMatch(/^file:.*\/packages\/core\/build\/kernels\.wasm$/);
  });

  it('js is always the JS kernels; wasm can be forced', async () => {
    expect(await selectBackend('js')).toEqual({ backend: jsBackend, reason: 'the JS kernels were asked for' });
    expect((await selectBackend('wasm')).backend.name).toBe('wasm');
  });

  it('each selection is a new backend on its own memory; the module is compiled once per URL', async () => {
    expect(loadKernels()).toBe(loadKernels());
    const a = (await selectBackend('wasm')).backend as WasmBackend;
    const b = (await selectBackend('wasm')).backend as WasmBackend;
    expect(a.memory).not.toBe(b.memory);
    expect(a.module).toBe(b.module);
  });

  it('custom hosting: a url (HTTP here), or a loader returning the module or bytes, with memory sizes', async () => {
    expect((await selectBackend('wasm', { url: `${base}/kernels.wasm` })).backend.name).toBe('wasm');
    const module = await compileKernels(kernelsWasmBytes());
    const viaLoader = (await selectBackend('wasm', () => ({ module }))).backend as WasmBackend;
    expect(viaLoader.module).toBe(module);
    const sized = (await selectBackend('auto', { load: () => ({ bytes: kernelsWasmBytes() }), maximumPages: 1024 })).backend as WasmBackend;
    expect(sized.name).toBe('wasm');
    expect(() => sized.memory.grow(1024)).toThrow(); // past the maximum of 1024 pages
  });

  it('a path works in Node as well as a file: URL', async () => {
    const file = join(dir, 'copy.wasm');
    writeFileSync(file, kernelsWasmBytes());
    expect((await selectBackend('wasm', { url: file })).backend.name).toBe('wasm');
    expect((await selectBackend('wasm', { url: pathToFileURL(file).href })).backend.name).toBe('wasm');
  });
});

/** auto falls back to JS with a reason matching `cause`; wasm rejects with a ConfigError saying the same. */
async function expectCause(options: Parameters<typeof selectBackend>[1], cause: RegExp): Promise<string> {
  const auto = await selectBackend('auto', options);
  expect(auto.backend).toBe(jsBackend);
  expect(auto.reason).toMatch(cause);
  expect(auto.reason).toMatch(FALLBACK);
  const err = await selectBackend('wasm', options).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(/^the WASM kernels cannot run: /);
  expect((err as Error).message).toMatch(cause);
  expect((err as Error).message).toMatch(/use the js kernels, or auto \(which falls back to them\)$/);
  return auto.reason;
}

describe('bad input: a clear cause and the fallback, never a bare ENOENT or CompileError', () => {
  it('a missing file names the path and says the install is incomplete', async () => {
    const missing = pathToFileURL(join(dir, 'nowhere', 'kernels.wasm')).href;
    const reason = await expectCause({ url: missing }, /could not load the WASM kernels from file:.*nowhere\/kernels\.wasm: .*nowhere\/kernels\.wasm does not exist; the installed @backprop\/core is incomplete: reinstall it/);
    expect(reason).not.toMatch(/ENOENT/);
  });

  it('HTTP 404 names the URL and the status', async () => {
    await expectCause({ url: `${base}/missing/kernels.wasm` }, new RegExp(`from ${base}/missing/kernels\\.wasm: the server answered HTTP 404 Not Found; serve build/kernels\\.wasm of @backprop/core at that URL`));
  });

  it('a wrong URL (nothing listens there) says the request failed', async () => {
    await expectCause({ url: 'http://127.0.0.1:9/kernels.wasm' }, /from http:\/\/127\.0\.0\.1:9\/kernels\.wasm: the request failed \(fetch failed\)/);
  });

  it('an HTML page served instead of the .wasm (a dev server fallback) is recognised before compiling', async () => {
    await expectCause({ url: `${base}/app/kernels.wasm` }, /it is not a WebAssembly file \(44 bytes beginning "<!doctype html><"\), e\.g\. an HTML page/);
  });

  it('bytes that do not compile give the CompileError inside a sentence that names the file', async () => {
    await expectCause({ url: `${base}/broken.wasm` }, new RegExp(`the WASM kernels from ${base}/broken\\.wasm did not compile \\(CompileError: .+\\): the file is damaged or from another build`));
  });

  it('a loader that throws: its message is the cause', async () => {
    await expectCause(() => Promise.reject(new Error('cache miss')), /the WASM kernels could not be set up \(cache miss\)/);
  });

  it('no WebAssembly SIMD on the host', async () => {
    vi.spyOn((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly, 'validate').mockReturnValue(false);
    await expectCause({}, /this runtime has no WebAssembly SIMD \(it needs Chrome 91, Firefox 89, Safari 16\.4, Node 16\.4 or later\)/);
  });

  it('a page without cross-origin isolation: the headers that fix it', async () => {
    vi.stubGlobal('crossOriginIsolated', false);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    await expectCause({}, /this page is not cross-origin isolated, so it cannot share WebAssembly memory \(serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp\)/);
  });

  it('a runtime without shared memory that is not a page', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    await expectCause({}, /this runtime cannot create a shared WebAssembly\.Memory/);
  });

  it('a failed load is tried again by the next call (not cached)', async () => {
    const file = join(dir, 'later.wasm');
    const url = pathToFileURL(file).href;
    expect((await selectBackend('auto', { url })).backend).toBe(jsBackend);
    writeFileSync(file, kernelsWasmBytes());
    expect((await selectBackend('auto', { url })).backend.name).toBe('wasm');
  });

  it('mistakes in the call itself throw, also for auto: an unknown choice, a maximum past the module', async () => {
    expect(() => checkBackendChoice('gpu')).toThrow(/unknown backend "gpu"; use auto/);
    await expect(selectBackend('gpu' as BackendChoice)).rejects.toThrow(ConfigError);
    await expect(selectBackend('auto', { maximumPages: 1 << 20 })).rejects.toThrow(/maximumPages must be an integer in \[64, 16384\]/);
  });
});
