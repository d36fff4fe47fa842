/**
 * The digits tab: train a 784-…-10 network on the 10k real MNIST digits in the training
 * thread (shard workers on shared memory), then draw a digit and read the class
 * probabilities. The drawing is preprocessed like MNIST: ink cropped, scaled to fit 20×20,
 * centred by its centre of mass in a 28×28 frame.
 */
import * as Comlink from 'comlink';
import { Network, loadModel, type NetworkSpec } from '@backprop/core';
import { errorText, h, showMessage } from './messages.js';
import { KERNELS, type KernelChoice } from './state.js';
import type { TrainApi, Update } from './train.worker.js';

const DIGITS_URL = `${import.meta.env.BASE_URL}mnist/`; // gzip IDX files (vite.config.ts writes them)

export class Digits {
  private api: Comlink.Remote<TrainApi>;
  private net: Network | null = null;
  private spec: NetworkSpec | null = null;
  private el: Record<string, HTMLElement> = {};
  private training = false;
  private drawing = false;
  private last: [number, number] | null = null;
  private lastKernelsNote: string | null = null;

  constructor(private root: HTMLElement, private isolated: boolean) {
    const w = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'digits-trainer' });
    this.api = Comlink.wrap<TrainApi>(w);
    this.build();
  }

  private build(): void {
    const field = (label: string, input: HTMLElement): HTMLElement => h('label', { class: 'field' }, h('span', {}, label), input);
    const left = h('div', { class: 'col' },
      h('h2', {}, 'Train on 10,000 real digits'),
      h('div', { class: 'row' },
        field('Hidden layers', h('input', { id: 'd-hidden', value: '64', size: 8, title: 'comma-separated sizes' })),
        field('Epochs', h('input', { id: 'd-epochs', type: 'number', min: 1, max: 50, value: 3 })),
        field('Batch', h('input', { id: 'd-batch', type: 'number', min: 1, max: 1024, value: 64 })),
        field('Workers', h('select', { id: 'd-workers' }, ...['1', '2', '3', '4', '6', '8'].map((n) => h('option', { value: n }, n)))),
        field('Kernels', h('select', { id: 'd-kernels', title: 'auto: WASM SIMD when the page is cross-origin isolated, else JS' }, ...KERNELS.map((k) => h('option', { value: k }, { auto: 'auto', js: 'JS', wasm: 'WASM' }[k])))),
      ),
      h('div', { class: 'bar' },
        h('button', { id: 'd-train', class: 'primary' }, 'Train'),
        h('button', { id: 'd-save' }, 'Save model'),
        h('label', { class: 'button' }, 'Load model', h('input', { id: 'd-load', type: 'file', accept: '.bpnn,application/octet-stream', hidden: true })),
      ),
      h('progress', { id: 'd-progress', max: 1, value: 0 }),
      h('p', { id: 'd-status', class: 'status' }, 'Not trained yet. 8,000 digits train, 2,000 test.'),
    );
    const right = h('div', { class: 'col' },
      h('h2', {}, 'Draw a digit'),
      h('div', { class: 'draw-row' },
        h('canvas', { id: 'd-canvas', width: 280, height: 280, class: 'pad' }),
        h('div', { id: 'd-bars', class: 'bars' }, ...Array.from({ length: 10 }, (_, d) =>
          h('div', { class: 'barrow' }, h('span', {}, String(d)), h('div', { class: 'track' }, h('div', { class: 'fill', id: `d-bar-${d}` })), h('small', { id: `d-p-${d}` }, ''))),
      )),
      h('div', { class: 'bar' }, h('button', { id: 'd-clear' }, 'Clear'), h('span', { id: 'd-pred', class: 'pred' }, ''), h('canvas', { id: 'd-small', width: 28, height: 28, class: 'small', title: 'what the network sees (28×28)' })),
    );
    this.root.append(h('div', { class: 'cols two' }, left, right));
    for (const node of this.root.querySelectorAll<HTMLElement>('[id]')) this.el[node.id] = node;
    (this.el['d-workers'] as HTMLSelectElement).value = this.isolated ? String(Math.min(2, navigator.hardwareConcurrency || 2)) : '1';
    (this.el['d-workers'] as HTMLSelectElement).disabled = !this.isolated;
    this.el['d-train'].addEventListener('click', () => void this.train());
    this.el['d-save'].addEventListener('click', () => void this.save());
    this.el['d-load'].addEventListener('change', () => void this.load());
    this.el['d-clear'].addEventListener('click', () => this.clear());
    this.wireCanvas();
    this.clear();
  }

  private status(text: string): void {
    this.el['d-status'].textContent = text;
  }

  async train(): Promise<void> {
    if (this.training) return;
    const hidden = (this.el['d-hidden'] as HTMLInputElement).value.split(',').map((x) => Number(x.trim()));
    const epochs = Number((this.el['d-epochs'] as HTMLInputElement).value);
    const batch = Number((this.el['d-batch'] as HTMLInputElement).value);
    const workers = Number((this.el['d-workers'] as HTMLSelectElement).value);
    const kernels = (this.el['d-kernels'] as HTMLSelectElement).value as KernelChoice;
    if (hidden.some((n) => !Number.isInteger(n) || n < 1 || n > 1024)) return showMessage('Hidden layers must be sizes from 1 to 1024 separated by commas, e.g. "64" or "128,64".');
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 50) return showMessage('Epochs must be an integer from 1 to 50.');
    if (!Number.isInteger(batch) || batch < 1 || batch > 1024) return showMessage('Batch must be an integer from 1 to 1024.');
    this.training = true;
    (this.el['d-train'] as HTMLButtonElement).disabled = true;
    this.status('Loading the digits…');
    try {
      const t0 = performance.now();
      const info = await this.api.setup({ kind: 'digits', url: new URL(DIGITS_URL, location.href).href, hidden, batch, lr: 0.002, seed: 1, kernels }, workers, false,
        Comlink.proxy((u: Update) => this.onUpdate(u, epochs)));
      this.spec = info.spec;
      this.net = new Network(info.spec);
      this.el['d-status'].dataset.kernels = info.kernels;
      if (info.kernelsNote && info.kernelsNote !== this.lastKernelsNote) showMessage(info.kernelsNote, 'info');
      this.lastKernelsNote = info.kernelsNote;
      this.status(`Training ${info.spec.sizes.join('-')} on ${info.nTrain.toLocaleString('en')} digits with ${info.kernels} kernels…`);
      await this.api.run(epochs, 100);
      const ev = await this.api.evaluate();
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      this.status(`Test accuracy ${(100 * (ev.accuracy ?? 0)).toFixed(1)}% on ${info.nTest.toLocaleString('en')} held-out digits (${epochs} epochs, ${secs} s, ${info.kernels} · ${info.shared && workers > 1 ? `${workers} workers` : '1 worker'}). Draw a digit →`);
      this.el['d-status'].dataset.accuracy = String(ev.accuracy);
      this.predict();
    } catch (err) {
      showMessage(errorText(err));
      this.status('Training failed; see the message above.');
    } finally {
      this.training = false;
      (this.el['d-train'] as HTMLButtonElement).disabled = false;
    }
  }

  private onUpdate(u: Update, epochs: number): void {
    if (!this.net) return;
    this.net.params.set(u.params);
    (this.el['d-progress'] as HTMLProgressElement).value = u.progress;
    const acc = u.history.at(-1)?.valAccuracy;
    this.status(`Epoch ${Math.min(epochs, u.epoch + (u.progress < 1 ? 1 : 0))} of ${epochs} · ${Math.round(u.samplesPerSec).toLocaleString('en')} samples/s · ${u.kernels} · ${u.workers} worker${u.workers > 1 ? 's' : ''}${acc != null ? ` · test accuracy ${(acc * 100).toFixed(1)}%` : ''}`);
  }

  private async save(): Promise<void> {
    if (!this.net) return showMessage('Train or load a model first, then save it.');
    try {
      const bytes = await this.api.save({ app: 'backprop-web', demo: 'digits' });
      const a = h('a', { href: URL.createObjectURL(new Blob([bytes as BlobPart])), download: 'digits.bpnn' });
      a.click();
    } catch (err) {
      showMessage(errorText(err));
    }
  }

  private async load(): Promise<void> {
    const input = this.el['d-load'] as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const model = loadModel(new Uint8Array(await file.arrayBuffer()));
      const sizes = model.net.spec.sizes;
      if (sizes[0] !== 784 || sizes[sizes.length - 1] !== 10) throw new Error(`${file.name} is a ${sizes.join('-')} network; the digit demo needs 784 inputs and 10 outputs`);
      this.net = model.net;
      this.spec = model.net.spec;
      this.status(`Loaded ${file.name}: ${sizes.join('-')}. Draw a digit →`);
      this.predict();
    } catch (err) {
      showMessage(`Could not load ${file.name}: ${errorText(err)}`);
    }
  }

  // ---------- drawing ----------
  private clear(): void {
    const c = this.el['d-canvas'] as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, c.width, c.height);
    for (let d = 0; d < 10; d++) {
      (this.el[`d-bar-${d}`]).style.width = '0%';
      this.el[`d-p-${d}`].textContent = '';
    }
    this.el['d-pred'].textContent = '';
    this.el['d-pred'].dataset.digit = '';
  }

  private wireCanvas(): void {
    const c = this.el['d-canvas'] as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    const at = (e: PointerEvent): [number, number] => {
      const r = c.getBoundingClientRect();
      return [((e.clientX - r.left) * c.width) / r.width, ((e.clientY - r.top) * c.height) / r.height];
    };
    c.addEventListener('pointerdown', (e) => {
      this.drawing = true;
      this.last = at(e);
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (!this.drawing || !this.last) return;
      const p = at(e);
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 20;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.beginPath();
      ctx.moveTo(this.last[0], this.last[1]);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      this.last = p;
    });
    const end = (): void => {
      if (!this.drawing) return;
      this.drawing = false;
      this.last = null;
      this.predict();
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
  }

  /** The drawing as 784 inputs in [0, 1], MNIST-style (null when blank). */
  private pixels(): Float32Array | null {
    const c = this.el['d-canvas'] as HTMLCanvasElement;
    const src = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let x0 = c.width, y0 = c.height, x1 = -1, y1 = -1;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        if (src.data[(y * c.width + x) * 4] > 30) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (x1 < 0) return null;
    const w = x1 - x0 + 1;
    const hgt = y1 - y0 + 1;
    const scale = 20 / Math.max(w, hgt);
    const tmp = document.createElement('canvas');
    tmp.width = tmp.height = 28;
    const t = tmp.getContext('2d')!;
    t.fillStyle = '#000';
    t.fillRect(0, 0, 28, 28);
    t.imageSmoothingEnabled = true;
    t.imageSmoothingQuality = 'high';
    t.drawImage(c, x0, y0, w, hgt, 14 - (w * scale) / 2, 14 - (hgt * scale) / 2, w * scale, hgt * scale);
    const img = t.getImageData(0, 0, 28, 28).data;
    const px = new Float32Array(784);
    let m = 0, mx = 0, my = 0;
    for (let i = 0; i < 784; i++) {
      const v = img[i * 4] / 255;
      px[i] = v;
      m += v;
      mx += v * (i % 28);
      my += v * Math.floor(i / 28);
    }
    // shift so the centre of mass sits at the centre, like MNIST
    const dx = Math.round(13.5 - mx / m);
    const dy = Math.round(13.5 - my / m);
    const out = new Float32Array(784);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const sx = x - dx;
        const sy = y - dy;
        if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = px[sy * 28 + sx];
      }
    }
    const small = this.el['d-small'] as HTMLCanvasElement;
    const simg = new ImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(out[i] * 255);
      simg.data.set([v, v, v, 255], i * 4);
    }
    small.getContext('2d')!.putImageData(simg, 0, 0);
    return out;
  }

  private predict(): void {
    if (!this.net) return;
    const x = this.pixels();
    if (!x) return;
    const p = this.net.predict(x, 1);
    let best = 0;
    for (let d = 0; d < 10; d++) {
      if (p[d] > p[best]) best = d;
      (this.el[`d-bar-${d}`]).style.width = `${(p[d] * 100).toFixed(1)}%`;
      this.el[`d-p-${d}`].textContent = `${(p[d] * 100).toFixed(1)}%`;
      this.el[`d-bar-${d}`].classList.toggle('best', false);
    }
    this.el[`d-bar-${best}`].classList.add('best');
    this.el['d-pred'].textContent = `It looks like a ${best} (${(p[best] * 100).toFixed(0)}%)`;
    this.el['d-pred'].dataset.digit = String(best);
  }
}
