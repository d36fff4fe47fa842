/**
 * Browser tests: build the app, serve it with `vite preview` (COOP/COEP headers), and drive
 * Debian's Chromium with playwright-core. Screenshots go to apps/web/artifacts/.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(app, 'artifacts');
const vite = join(app, 'node_modules', '.bin', 'vite');
const CHROMIUM = '/usr/bin/chromium';

let server: ChildProcess | null = null;
let context: BrowserContext | null = null;
let page: Page;
let base = '';
const pageErrors: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`vite preview did not start at ${url}`);
}

const SPIRAL = 'ds=spiral&n=400&noise=0&train=50&batch=10&f=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&h=8,8,6&act=tanh&out=softmax&opt=adam&lr=0.03&l1=0&l2=0&seed=1';

async function open(query: string): Promise<void> {
  await page.goto(`${base}/?${query}`);
  await page.waitForFunction(() => Number(document.body.dataset.ready ?? 0) >= 1);
}

async function stepTo(epoch: number): Promise<void> {
  for (let e = 1; e <= epoch; e++) {
    await page.click('#step');
    await page.waitForFunction((n) => document.querySelector('#epoch')?.textContent === String(n) && document.body.dataset.running === '0', e);
  }
}

/** The kernels the page reports next to samples/s ('wasm' or 'js'). */
const kernels = (p: Page = page): Promise<string | null> => p.getAttribute('#engine', 'data-kernels');

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(artifacts, name), fullPage: true });

describe.skipIf(!existsSync(CHROMIUM))('web app in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    execFileSync(vite, ['build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(vite, ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: app, stdio: 'ignore' });
    await waitForServer(base);
    const profile = mkdtempSync(join(tmpdir(), 'backprop-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1320, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    process.on('exit', () => rmSync(profile, { recursive: true, force: true }));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    server?.kill();
  });

  test('the page is cross-origin isolated and reports WASM kernels', async () => {
    await open(SPIRAL);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.textContent('#isolation')).toContain('cross-origin isolated');
    // no kernels in the link: auto, which is WASM SIMD on an isolated page
    expect(await page.inputValue('#kernels')).toBe('auto');
    expect(await kernels()).toBe('wasm');
    expect(await page.textContent('#engine')).toBe('wasm · 1 worker');
    expect(new URL(page.url()).search).toContain('kernels=auto');
    // a shared link pins auto to the kernels that ran, so it reproduces the bits
    expect(await page.evaluate(() => window.backprop.playground.shareLink())).toContain('kernels=wasm');
  });

  test('spiral training reaches ≥ 90% test accuracy', async () => {
    await open(SPIRAL);
    // record (never assert) main-thread long tasks while training: the page should stay responsive
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
    });
    expect(await kernels()).toBe('wasm');
    await page.click('#play');
    await page.waitForFunction(() => Number((document.querySelector('#test-acc') as HTMLElement).dataset.value || 0) >= 0.9, undefined, { timeout: 60_000 });
    await page.click('#play'); // pause
    await page.waitForFunction(() => document.body.dataset.running === '0');
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    writeFileSync(join(artifacts, 'long-tasks.json'), JSON.stringify({ note: 'main-thread tasks over 50 ms during spiral training (ms)', longTasks }, null, 2));
    // explain panel: click the first hidden neuron, then a point
    const box = (await page.locator('#diagram').boundingBox())!;
    const hits = await page.evaluate(() => (window.backprop.playground as unknown as { diagramHits: { x: number; y: number; s: number; l: number }[] }).diagramHits.filter((d) => d.l === 1)[0]);
    await page.mouse.click(box.x + (hits.x + hits.s / 2) * (box.width / 620), box.y + (hits.y + hits.s / 2) * (box.height / 400));
    await page.waitForSelector('#explain table.eq');
    expect(await page.textContent('#explain')).toContain('net');
    // …then a link: ∂L/∂w = δ·x with live numbers
    const link = await page.evaluate(() => (window.backprop.playground as unknown as { links: { x1: number; y1: number; x2: number; y2: number; l: number }[] }).links.filter((d) => d.l === 2)[5]);
    await page.mouse.click(box.x + ((link.x1 + link.x2) / 2) * (box.width / 620), box.y + ((link.y1 + link.y2) / 2) * (box.height / 400));
    await page.waitForFunction(() => document.querySelector('#explain h3')?.textContent?.startsWith('Weight'));
    const explained = await page.textContent('#explain');
    expect(explained).toContain('∂L/∂w');
    // the last rows: the selected optimizer's update (Adam here), the plain step labelled as such
    expect(explained).toContain("Adam update");
    expect(explained).toContain("the note's plain gradient-descent step");
    expect(await kernels()).toBe('wasm');
    await shot('playground-spiral.png');
    expect(pageErrors).toEqual([]);
  });

  test('the URL round-trips the state', async () => {
    const q = 'ds=kspirals&k=4&n=300&noise=10&train=60&batch=16&f=x1,x2,sinx1&h=12,7&act=relu&out=softmax&opt=momentum&lr=0.05&l1=0.001&l2=0&seed=42&w=1&kernels=js';
    await open(q);
    expect(new URL(page.url()).search.slice(1)).toBe(q);
    expect(await page.inputValue('#kernels')).toBe('js');
    expect(await kernels()).toBe('js');
    expect(await page.inputValue('#dataset')).toBe('kspirals');
    expect(await page.inputValue('#lr')).toBe('0.05');
    expect(await page.locator('#layer-editor input').count()).toBe(2);
    await page.selectOption('#activation', 'tanh');
    await page.waitForFunction(() => location.search.includes('act=tanh'));
    await page.reload();
    await page.waitForFunction(() => Number(document.body.dataset.ready ?? 0) >= 1);
    expect(await page.inputValue('#activation')).toBe('tanh');
    expect(new URL(page.url()).search.slice(1)).toBe(q.replace('act=relu', 'act=tanh'));
    // switching the kernels is part of the state too
    await page.selectOption('#kernels', 'wasm');
    await page.waitForFunction(() => location.search.includes('kernels=wasm') && document.querySelector('#engine')?.getAttribute('data-kernels') === 'wasm');
    await stepTo(1);
    await page.evaluate(() => (window.backprop.playground as unknown as { selection: unknown }).selection = { kind: 'link', l: 1, k: 0, j: 1 });
    await page.click('#step');
    await page.waitForFunction(() => document.querySelector('#epoch')?.textContent === '2' && document.body.dataset.running === '0');
    expect(await page.textContent('#explain')).toContain('Momentum update');
    await shot('playground-kspirals.png');
  });

  test('1 and 2 workers give identical weights, on JS and on WASM kernels', async () => {
    const digests: Record<string, string[]> = { js: [], wasm: [] };
    for (const k of ['js', 'wasm'] as const) {
      for (const w of [1, 2]) {
        await open(`${SPIRAL}&w=${w}&kernels=${k}`);
        expect(await page.inputValue('#workers')).toBe(String(w));
        expect(await kernels()).toBe(k);
        await stepTo(3);
        digests[k].push(await page.evaluate(() => window.backprop.playground.weightsDigest()));
        expect(await page.textContent('#engine')).toBe(`${k} · ${w} worker${w > 1 ? 's' : ''}`);
      }
      expect(digests[k][1]).toBe(digests[k][0]);
      // the live check: every batch of the 2-worker run against one thread on the same kernels
      expect(await page.textContent('#check')).toContain(`same weights as 1 worker on ${k}`);
    }
    if (digests.js[0] === digests.wasm[0]) console.warn('JS and WASM kernels gave the same weights here');
    await shot('workers-wasm.png');
  });

  test('a nonsense URL shows a message and the app keeps working', async () => {
    await open('ds=banana&lr=-3&h=8,x,99999&w=zzz&noise=%3Cscript%3E');
    const msgs = await page.locator('.msg.error').allTextContents();
    expect(msgs.join(' ')).toContain('Ignored ds="banana"');
    expect(msgs.length).toBeGreaterThanOrEqual(4);
    expect(await page.inputValue('#dataset')).toBe('spiral');
    await stepTo(1);
    expect(await page.textContent('#epoch')).toBe('1');
    await shot('nonsense-url.png');
    // a CSV that does not parse
    await page.setInputFiles('#csv', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('x1,x2,label\n1,2,0\nhello,3\n') });
    await page.waitForFunction(() => document.body.textContent.includes('Could not read that CSV'));
    expect(pageErrors).toEqual([]);
  });

  test('without COOP/COEP the page says so and trains on one worker', async () => {
    const strip = async (route: import('playwright-core').Route): Promise<void> => {
      const res = await route.fetch();
      const headers = { ...res.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response: res, headers });
    };
    const plain = await context!.newPage();
    await plain.route('**/*', strip);
    try {
      await plain.goto(`${base}/?${SPIRAL}&w=2&kernels=wasm`);
      await plain.waitForFunction(() => Number(document.body.dataset.ready ?? 0) >= 1);
      expect(await plain.evaluate(() => crossOriginIsolated)).toBe(false);
      expect(await plain.textContent('#isolation')).toContain('not isolated');
      expect((await plain.locator('.msg').allTextContents()).join(' ')).toContain('not cross-origin isolated');
      expect(await plain.inputValue('#workers')).toBe('1');
      // the link asks for WASM, which needs shared memory: the JS kernels run, and the page says so
      expect(await kernels(plain)).toBe('js');
      expect((await plain.locator('.msg').allTextContents()).join(' ')).toContain('training on the JS kernels');
      await plain.click('#step');
      await plain.waitForFunction(() => document.querySelector('#epoch')?.textContent === '1' && document.body.dataset.running === '0');
      await plain.screenshot({ path: join(artifacts, 'not-isolated.png') });
    } finally {
      await plain.close();
    }
  });

  test('the digit demo classifies a drawn digit', async () => {
    await page.goto(`${base}/`);
    await page.click('button[data-tab="digits"]');
    await page.fill('#d-epochs', '3');
    await page.click('#d-train');
    await page.waitForFunction(() => (document.querySelector('#d-status') as HTMLElement).dataset.accuracy !== undefined, undefined, { timeout: 60_000 });
    const acc = Number(await page.getAttribute('#d-status', 'data-accuracy'));
    expect(acc).toBeGreaterThan(0.85);
    expect(await page.getAttribute('#d-status', 'data-kernels')).toBe('wasm');
    expect(await page.textContent('#d-status')).toMatch(/wasm · \d workers?/);
    const c = (await page.locator('#d-canvas').boundingBox())!;
    // a "1": one vertical stroke
    await page.mouse.move(c.x + 140, c.y + 40);
    await page.mouse.down();
    for (let y = 40; y <= 240; y += 10) await page.mouse.move(c.x + 138 + (y - 40) / 100, c.y + y);
    await page.mouse.up();
    await page.waitForFunction(() => (document.querySelector('#d-pred') as HTMLElement).dataset.digit !== '');
    expect(await page.getAttribute('#d-pred', 'data-digit')).toBe('1');
    await shot('digits.png');
    // a corrupt model file: a message, and the demo keeps its model
    await page.setInputFiles('#d-load', { name: 'broken.bpnn', mimeType: 'application/octet-stream', buffer: Buffer.from('BPNN not really a model') });
    await page.waitForFunction(() => document.body.textContent.includes('Could not load broken.bpnn'));
    expect(pageErrors).toEqual([]);
  });
});
