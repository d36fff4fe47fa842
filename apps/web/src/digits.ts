/**
 * The digits tab: train a 784-…-10 network on the 10k real MNIST digits in the training
 * thread (shard workers on shared memory) with live loss and accuracy curves and a progress
 * bar; then the test confusion matrix (click a cell to see its digits), the misclassified
 * test digits, per-class accuracy, a download of the model as a `.bpnn` file (it loads in the
 * CLI), and a pad to draw a digit. The drawing is preprocessed like MNIST: ink cropped,
 * scaled to fit 20×20, centred by its centre of mass in a 28×28 frame.
 */
import * as Comlink from 'comlink';
import { Network, SHORT_HASH, loadModel, weightsHash, type Preprocessing } from '@backprop/core';
import { LineChart } from './chart.js';
import { cellRows, confusion, perClassAccuracy, type Confusion } from './confusion.js';
import { CLASS_COLORS, rgb } from './draw.js';
import type { EpochPoint } from './history.js';
import { bind, num, onLangChange, t, type Messages } from './i18n/index.js';
import { downloadFiles, exportBase, exportFiles } from './export.js';
import { errorText, h, showMessage } from './messages.js';
import { digitsCommand, digitsJob } from './protocol.js';
import { KERNELS, WORKER_CHOICES, type KernelChoice, type WorkerChoice } from './state.js';
import type { KernelsNote, TrainApi, Update } from './train.worker.js';
import { MAX_MODEL_BYTES, UploadError, checkDigitsModel, checkFile } from './upload.js';
import { planWorkers, type WorkerPlan } from './workers.js';

const DIGITS_URL = `${import.meta.env.BASE_URL}mnist/`; // gzip IDX files (vite.config.ts writes them)
/** Adam's step and the seed of every digits run (init, split, shuffles): fixed, so the CLI command can name them. */
const LR = 0.002;
const SEED = 1;
/** Digits shown at most in the gallery (a cell of the matrix can hold hundreds). */
const GALLERY_MAX = 120;

interface Results {
  conf: Confusion;
  truth: Int32Array;
  predicted: Int32Array;
  X: Float32Array;
}

export class Digits {
  private api: Comlink.Remote<TrainApi>;
  private net: Network | null = null;
  /** The net's preprocessing (the digits' pixel features and labels), written into exported models. */
  private pre: Preprocessing | null = null;
  /** Where the current model came from, for the hash line: a training run's CLI command, or a loaded file. */
  private origin: { hash: string; command: string | null; file: string | null } | null = null;
  private el: Record<string, HTMLElement> = {};
  private training = false;
  private drawing = false;
  private last: [number, number] | null = null;
  private lastNote: KernelsNote = null;
  private plan: WorkerPlan | null = null;
  private epochs = 3;
  private bpe = 1;
  private lossChart!: LineChart;
  private accChart!: LineChart;
  private results: Results | null = null;
  private cell: [number, number] | null = null;
  private status: (m: Messages) => string = (m) => m.digits.notTrained;

  constructor(private root: HTMLElement, private isolated: boolean) {
    const w = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'digits-trainer' });
    this.api = Comlink.wrap<TrainApi>(w);
    this.build();
    onLangChange(() => this.relabel());
  }

  private build(): void {
    const field = (label: (m: Messages) => string, input: HTMLElement): HTMLElement => h('label', { class: 'field' }, bind(h('span'), label), input);
    const left = h('div', { class: 'col' },
      bind(h('h2'), (m) => m.digits.title),
      h('div', { class: 'row' },
        field((m) => m.digits.hidden, bind(h('input', { id: 'd-hidden', value: '64', size: 8 }), (m) => m.digits.hiddenTitle, 'title')),
        field((m) => m.digits.epochs, h('input', { id: 'd-epochs', type: 'number', min: 1, max: 50, value: 3 })),
        field((m) => m.digits.batch, h('input', { id: 'd-batch', type: 'number', min: 1, max: 1024, value: 64 })),
        field((m) => m.controls.workers, h('select', { id: 'd-workers' }, ...WORKER_CHOICES.map((n) => bind(h('option', { value: String(n) }), (m) => (n === 'auto' ? m.controls.auto : String(n)))))),
        field((m) => m.controls.kernels, bind(h('select', { id: 'd-kernels' }, ...KERNELS.map((k) => bind(h('option', { value: k }), (m) => (k === 'auto' ? m.controls.auto : k === 'js' ? 'JS' : 'WASM')))), (m) => m.controls.kernelsTitle, 'title')),
      ),
      h('div', { class: 'bar' },
        bind(h('button', { id: 'd-train', class: 'primary' }), (m) => m.digits.train),
        bind(h('button', { id: 'd-save' }), (m) => m.digits.download),
        bind(bind(h('button', { id: 'd-onnx' }), (m) => m.exports.onnx), (m) => m.exports.onnxTitle, 'title'),
        bind(bind(h('button', { id: 'd-tfjs' }), (m) => m.exports.tfjs), (m) => m.exports.tfjsTitle, 'title'),
        h('label', { class: 'button' }, bind(h('span'), (m) => m.digits.load), h('input', { id: 'd-load', type: 'file', accept: '.bpnn,application/octet-stream', hidden: true })),
      ),
      h('progress', { id: 'd-progress', max: 1, value: 0 }),
      h('p', { id: 'd-status', class: 'status' }),
      h('p', { id: 'd-hash', class: 'hash', hidden: true }),
      h('p', { id: 'd-why', class: 'why' }),
      h('div', { class: 'charts' }, h('div', { id: 'd-loss', class: 'chart' }), h('div', { id: 'd-acc', class: 'chart' })),
    );
    const right = h('div', { class: 'col' },
      bind(h('h2'), (m) => m.digits.draw),
      h('div', { class: 'draw-row' },
        h('canvas', { id: 'd-canvas', width: 280, height: 280, class: 'pad' }),
        h('div', { id: 'd-bars', class: 'bars' }, ...Array.from({ length: 10 }, (_, d) =>
          h('div', { class: 'barrow' }, h('span', {}, String(d)), h('div', { class: 'track' }, h('div', { class: 'fill', id: `d-bar-${d}` })), h('small', { id: `d-p-${d}` }, ''))),
      )),
      h('div', { class: 'bar' }, bind(h('button', { id: 'd-clear' }), (m) => m.digits.clear), h('span', { id: 'd-pred', class: 'pred' }, ''),
        bind(h('canvas', { id: 'd-small', width: 28, height: 28, class: 'small' }), (m) => m.digits.seesTitle, 'title')),
    );
    const results = h('div', { id: 'd-results', class: 'col results', hidden: true },
      bind(h('h2'), (m) => m.digits.results),
      h('div', { class: 'results-grid' },
        h('div', {}, bind(h('h3'), (m) => m.digits.confusion), bind(h('p', { class: 'hint' }), (m) => m.digits.confusionHint), h('div', { id: 'd-confusion' })),
        h('div', {}, bind(h('h3'), (m) => m.digits.perClass), h('div', { id: 'd-perclass' })),
      ),
      h('h3', { id: 'd-gallery-title' }),
      h('div', { id: 'd-gallery', class: 'gallery' }),
    );
    this.root.append(h('div', { class: 'cols two' }, left, right), results);
    for (const node of this.root.querySelectorAll<HTMLElement>('[id]')) this.el[node.id] = node;
    (this.el['d-workers'] as HTMLSelectElement).value = 'auto';
    (this.el['d-workers'] as HTMLSelectElement).disabled = !this.isolated;
    this.lossChart = new LineChart(this.el['d-loss'], {
      height: 160, yLabel: (m) => m.chart.loss,
      series: [{ label: (m) => m.chart.train, stroke: '#222' }, { label: (m) => m.chart.test, stroke: '#d6604d', dash: [5, 4] }],
    });
    this.accChart = new LineChart(this.el['d-acc'], {
      height: 160, yLabel: (m) => m.chart.accuracy, yRange: [0, 1], percent: true,
      series: [{ label: (m) => m.chart.train, stroke: '#222' }, { label: (m) => m.chart.test, stroke: '#d6604d', dash: [5, 4] }],
    });
    this.el['d-train'].addEventListener('click', () => void this.train());
    this.el['d-save'].addEventListener('click', () => void this.save());
    this.el['d-onnx'].addEventListener('click', () => void this.exportModel('onnx'));
    this.el['d-tfjs'].addEventListener('click', () => void this.exportModel('tfjs'));
    this.el['d-load'].addEventListener('change', () => void this.load());
    this.el['d-clear'].addEventListener('click', () => this.clear());
    this.wireCanvas();
    this.clear();
    this.relabel();
  }

  private setStatus(fn: (m: Messages) => string): void {
    this.status = fn;
    this.el['d-status'].textContent = fn(t());
  }

  private relabel(): void {
    const m = t();
    this.el['d-status'].textContent = this.status(m);
    this.el['d-why'].textContent = this.plan ? m.workers(this.plan.reason) : '';
    this.showHash();
    if (this.results) this.showResults();
    this.predict();
  }

  async train(): Promise<void> {
    if (this.training) return;
    const hidden = (this.el['d-hidden'] as HTMLInputElement).value.split(',').map((x) => Number(x.trim()));
    const epochs = Number((this.el['d-epochs'] as HTMLInputElement).value);
    const batch = Number((this.el['d-batch'] as HTMLInputElement).value);
    const wv = (this.el['d-workers'] as HTMLSelectElement).value;
    const choice: WorkerChoice = wv === 'auto' ? 'auto' : Number(wv);
    const kernels = (this.el['d-kernels'] as HTMLSelectElement).value as KernelChoice;
    const m = t();
    if (hidden.some((n) => !Number.isInteger(n) || n < 1 || n > 1024)) return showMessage(m.digits.badHidden);
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 50) return showMessage(m.digits.badEpochs);
    if (!Number.isInteger(batch) || batch < 1 || batch > 1024) return showMessage(m.digits.badBatch);
    this.training = true;
    this.epochs = epochs;
    this.results = null;
    this.origin = null;
    this.showHash();
    this.el['d-results'].hidden = true;
    (this.el['d-train'] as HTMLButtonElement).disabled = true;
    this.setStatus((mm) => mm.digits.loading);
    this.lossChart.setData([], [[], []]);
    this.accChart.setData([], [[], []]);
    try {
      const t0 = performance.now();
      const job = digitsJob({ url: new URL(DIGITS_URL, location.href).href, hidden, batch, lr: LR, seed: SEED, kernels });
      const P = [784, ...hidden, 10].reduce((s, n, i, a) => (i === 0 ? 0 : s + n * (a[i - 1] + 1)), 0);
      this.plan = planWorkers(choice, batch, P, this.isolated, navigator.hardwareConcurrency || 2);
      this.el['d-why'].textContent = t().workers(this.plan.reason);
      let epochSeries: EpochPoint[] = [];
      let stepSeries: EpochPoint[] = [];
      let finished = false; // progress messages travel on their own port: one may arrive after the final snapshot
      const info = await this.api.setup(job, this.plan.workers, false, Comlink.proxy((u: Update) => {
        if (finished) return;
        if (u.series) epochSeries = u.series;
        if (u.steps) stepSeries = u.steps;
        if (u.series || u.steps) this.drawCurves(epochSeries, stepSeries);
        this.onUpdate(u);
      }));
      this.bpe = info.batchesPerEpoch;
      this.net = new Network(info.spec);
      this.pre = info.preprocessing;
      this.el['d-status'].dataset.kernels = info.kernels;
      if (info.kernelsNote && JSON.stringify(info.kernelsNote) !== JSON.stringify(this.lastNote)) {
        showMessage(info.kernelsNote.kind === 'wasmUnavailable' ? t().kernels.unavailable : t().kernels.failed(info.kernelsNote.detail), 'info');
      }
      this.lastNote = info.kernelsNote;
      const shape = info.spec.sizes.join('-');
      this.setStatus((mm) => mm.digits.training(shape, info.nTrain, info.kernels));
      const tRun = performance.now();
      await this.api.run(epochs, 100);
      this.el['d-status'].dataset.seconds = String((performance.now() - tRun) / 1000); // training only (bench/web.ts)
      finished = true;
      (this.el['d-progress'] as HTMLProgressElement).value = 1; // the last progress message may be the one dropped
      const snap = await this.api.snapshot(); // the trained weights themselves, and their hash
      this.net.params.set(snap.params);
      const workersRan = info.shared ? this.plan.workers : 1;
      this.origin = { hash: snap.hash, command: digitsCommand({ hidden, epochs, batch, lr: LR, seed: SEED, kernels: info.kernels, workers: workersRan }), file: null };
      this.showHash();
      const ev = await this.api.evaluate();
      const secs = (performance.now() - t0) / 1000;
      this.setStatus((mm) => mm.digits.done(ev.accuracy ?? 0, info.nTest, epochs, secs, info.kernels, workersRan));
      await this.collectResults();
      this.predict();
      // last: tests and bench/web.ts take data-accuracy as "the results are on the page"
      this.el['d-status'].dataset.accuracy = String(ev.accuracy);
    } catch (err) {
      showMessage(errorText(err));
      this.setStatus((mm) => mm.digits.failed);
    } finally {
      this.training = false;
      (this.el['d-train'] as HTMLButtonElement).disabled = false;
    }
  }

  private drawCurves(epochs: EpochPoint[], steps: EpochPoint[]): void {
    // one x axis in epochs: batch points at step / batches-per-epoch, test points at each epoch's end
    const rows = new Map<number, { loss: number | null; acc: number | null; vLoss: number | null; vAcc: number | null }>();
    for (const p of steps) rows.set(p.epoch / this.bpe, { loss: p.loss, acc: p.accuracy, vLoss: null, vAcc: null });
    for (const p of epochs) {
      const r = rows.get(p.epoch) ?? { loss: null, acc: null, vLoss: null, vAcc: null };
      rows.set(p.epoch, { ...r, vLoss: p.valLoss, vAcc: p.valAccuracy });
    }
    const xs = [...rows.keys()].sort((a, b) => a - b);
    const col = (k: 'loss' | 'acc' | 'vLoss' | 'vAcc'): (number | null)[] => xs.map((x) => rows.get(x)![k]);
    this.lossChart.setData(xs, [col('loss'), col('vLoss')]);
    this.accChart.setData(xs, [col('acc'), col('vAcc')]);
  }

  private onUpdate(u: Update): void {
    if (!this.net) return;
    this.net.params.set(u.params);
    (this.el['d-progress'] as HTMLProgressElement).value = u.progress;
    const epochs = this.epochs;
    const acc = u.last?.valAccuracy ?? null;
    const epoch = Math.min(epochs, u.epoch + (u.progress < 1 ? 1 : 0));
    if (u.running) this.setStatus((m) => m.digits.progress(epoch, epochs, u.samplesPerSec, u.kernels, u.workers, acc));
  }

  private async collectResults(): Promise<void> {
    const [{ truth, predicted }, set] = await Promise.all([this.api.testPredictions(), this.api.testSet()]);
    this.results = { conf: confusion(truth, predicted, 10), truth, predicted, X: set.X };
    this.cell = null;
    this.el['d-results'].hidden = false;
    this.showResults();
  }

  private showResults(): void {
    const r = this.results;
    if (!r) return;
    const m = t();
    const { conf } = r;
    const max = Math.max(...conf.counts.flat());
    const table = h('table', { class: 'confusion', 'data-total': conf.total },
      h('thead', {}, h('tr', {}, h('th', { class: 'corner' }, m.digits.trueVsPred), ...Array.from({ length: 10 }, (_, p) => h('th', {}, String(p))))),
      h('tbody', {}, ...conf.counts.map((row, tr) => h('tr', {}, h('th', {}, String(tr)), ...row.map((n, p) => {
        const shade = n === 0 ? 0 : 0.12 + 0.88 * (n / max);
        const td = h('td', { 'data-t': tr, 'data-p': p, 'data-count': n, class: tr === p ? 'diag' : n > 0 ? 'off' : '', title: m.digits.cellTitle(n, tr, p) }, n === 0 ? '' : String(n));
        td.style.background = tr === p ? `rgba(8, 119, 189, ${shade})` : n > 0 ? `rgba(214, 39, 40, ${Math.min(1, 0.15 + shade)})` : '';
        if (shade > 0.55) td.style.color = '#fff';
        if (this.cell && this.cell[0] === tr && this.cell[1] === p) td.classList.add('picked');
        td.addEventListener('click', () => {
          this.cell = [tr, p];
          this.showResults();
        });
        return td;
      })))),
    );
    this.el['d-confusion'].replaceChildren(table);
    const acc = perClassAccuracy(conf);
    this.el['d-perclass'].replaceChildren(...acc.map((a, d) => h('div', { class: 'barrow', 'data-digit': d },
      h('span', {}, String(d)), h('div', { class: 'track' }, Object.assign(h('div', { class: 'fill' }), { style: `width:${((a ?? 0) * 100).toFixed(1)}%` })), h('small', {}, a === null ? '–' : `${num(a * 100, 1)}%`))));
    // the gallery: a clicked cell's digits, or every misclassified one
    let rows: number[];
    let title: string;
    if (this.cell) {
      rows = cellRows(r.truth, r.predicted, this.cell[0], this.cell[1]);
      title = m.digits.cellGallery(rows.length, this.cell[0], this.cell[1]);
    } else {
      rows = [];
      for (let i = 0; i < r.truth.length; i++) if (r.truth[i] !== r.predicted[i]) rows.push(i);
      title = m.digits.mistakes(rows.length, conf.total);
    }
    this.el['d-gallery-title'].textContent = rows.length > GALLERY_MAX ? `${title} ${m.digits.firstN(GALLERY_MAX)}` : title;
    this.el['d-gallery'].replaceChildren(...rows.slice(0, GALLERY_MAX).map((i) => this.thumb(r, i, m)));
  }

  private thumb(r: Results, i: number, m: Messages): HTMLElement {
    const c = h('canvas', { width: 28, height: 28 });
    const img = new ImageData(28, 28);
    for (let p = 0; p < 784; p++) {
      const v = Math.round(255 - r.X[i * 784 + p] * 255);
      img.data.set([v, v, v, 255], p * 4);
    }
    c.getContext('2d')!.putImageData(img, 0, 0);
    const wrong = r.truth[i] !== r.predicted[i];
    const label = h('small', {}, m.digits.thumbLabel(r.truth[i], r.predicted[i]));
    label.style.color = wrong ? rgb(CLASS_COLORS[3]) : '';
    return h('figure', { class: 'thumb', 'data-row': i }, c, label);
  }

  /**
   * The model's hash (SHA-256 of the weight bytes, as `backprop info` prints it) and, after a
   * training run, the CLI command that trains the same bits. The page cannot run the CLI: the ✓
   * stands for what the browser test proves (test/interop.test.ts), which the tooltip says.
   */
  private showHash(): void {
    const p = this.el['d-hash'];
    const o = this.origin;
    p.hidden = o === null;
    if (!o) {
      delete p.dataset.hash;
      delete p.dataset.command;
      return p.replaceChildren();
    }
    const m = t();
    p.dataset.hash = o.hash;
    const hash = h('code', { id: 'd-hash-value' }, `sha256 ${o.hash}…`);
    if (o.command === null) {
      delete p.dataset.command;
      return p.replaceChildren(m.digits.hashLabel, ' ', hash, ' ', m.digits.hashOfFile(o.file ?? ''));
    }
    p.dataset.command = o.command;
    const same = h('span', { class: 'same-bits', title: m.digits.sameBitsTitle }, m.digits.sameBits, ' ', h('b', { class: 'tick' }, '✓'));
    p.replaceChildren(m.digits.hashLabel, ' ', hash, ' · ', same, h('br'), h('code', { id: 'd-command', class: 'command' }, o.command));
  }

  /** The current model (trained here or loaded) as ONNX or TF.js files, with its preprocessing. */
  private async exportModel(format: 'onnx' | 'tfjs'): Promise<void> {
    if (!this.net) return showMessage(t().digits.nothingToSave);
    try {
      downloadFiles(await exportFiles(format, this.net, this.pre, exportBase('digits', this.net.spec.sizes)));
    } catch (err) {
      showMessage(t().exports.failed(errorText(err)));
    }
  }

  /** Outputs of the page's network for N rows of 784 pixels in [0, 1] (a handle for tests and the console). */
  predictRows(X: number[], N: number): number[] {
    if (!this.net) throw new Error('no model yet');
    return Array.from(this.net.predict(X, N));
  }

  private async save(): Promise<void> {
    if (!this.net) return showMessage(t().digits.nothingToSave);
    try {
      const bytes = await this.api.save({ app: 'backprop-web', demo: 'digits' });
      const a = h('a', { href: URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' })), download: 'digits.bpnn' });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
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
      checkFile(file, MAX_MODEL_BYTES);
      const model = loadModel(new Uint8Array(await file.arrayBuffer()), { maxBytes: MAX_MODEL_BYTES });
      checkDigitsModel(model, file.name);
      this.net = model.net;
      this.pre = model.preprocessing;
      this.origin = { hash: weightsHash(model.net.params).slice(0, SHORT_HASH), command: null, file: file.name };
      this.showHash();
      const shape = model.net.spec.sizes.join('-');
      this.setStatus((m) => m.digits.loaded(file.name, shape));
      this.predict();
    } catch (err) {
      const detail = err instanceof UploadError ? err.text(t()) : errorText(err);
      showMessage(t().digits.loadFailed(file.name, detail));
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
    this.blank = true;
  }

  private blank = true;

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
      this.blank = false;
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
    const tc = tmp.getContext('2d')!;
    tc.fillStyle = '#000';
    tc.fillRect(0, 0, 28, 28);
    tc.imageSmoothingEnabled = true;
    tc.imageSmoothingQuality = 'high';
    tc.drawImage(c, x0, y0, w, hgt, 14 - (w * scale) / 2, 14 - (hgt * scale) / 2, w * scale, hgt * scale);
    const img = tc.getImageData(0, 0, 28, 28).data;
    const px = new Float32Array(784);
    let mass = 0, mx = 0, my = 0;
    for (let i = 0; i < 784; i++) {
      const v = img[i * 4] / 255;
      px[i] = v;
      mass += v;
      mx += v * (i % 28);
      my += v * Math.floor(i / 28);
    }
    // shift so the centre of mass sits at the centre, like MNIST
    const dx = Math.round(13.5 - mx / mass);
    const dy = Math.round(13.5 - my / mass);
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
    if (!this.net || this.blank) return;
    const x = this.pixels();
    if (!x) return;
    const p = this.net.predict(x, 1);
    let best = 0;
    for (let d = 0; d < 10; d++) {
      if (p[d] > p[best]) best = d;
      (this.el[`d-bar-${d}`]).style.width = `${(p[d] * 100).toFixed(1)}%`;
      this.el[`d-p-${d}`].textContent = `${num(p[d] * 100, 1)}%`;
      this.el[`d-bar-${d}`].classList.toggle('best', false);
    }
    this.el[`d-bar-${best}`].classList.add('best');
    this.el['d-pred'].textContent = t().digits.looksLike(best, p[best]);
    this.el['d-pred'].dataset.digit = String(best);
  }
}
