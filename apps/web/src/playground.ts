/**
 * The playground tab: controls ⇄ PlayState ⇄ URL, the training thread (train.worker.ts)
 * behind play/pause/step/reset, and the drawings (boundary, neurons, links, loss curve).
 * The page thread only draws: one small forward pass over a grid per frame.
 */
import * as Comlink from 'comlink';
import { Network, type NetworkSpec } from '@backprop/core';
import type { Workspace } from '@backprop/core/engine';
import { RANGE, buildData, featureRow, parsePointsCSV, targetRow, type Points, type Split } from './datasets.js';
import { CLASS_COLORS, blit, divergingRGB, drawLossChart, gridImage, rgb } from './draw.js';
import { explainHTML, type Selection } from './explain.js';
import { errorText, h, showMessage } from './messages.js';
import {
  DATASETS, FEATURES, FEATURE_LABELS, HIDDEN_ACTS, KERNELS, LIMITS, MULTICLASS, OPTIMIZERS, OUTPUTS, classCount, decodeState,
  encodeState, fixPairing, isRegression, layerSizes, pinnedState, type KernelsUsed, type PlayState,
} from './state.js';
import type { TrainApi, Update } from './train.worker.js';

const DATASET_LABELS: Record<string, string> = {
  circle: 'Circle', xor: 'XOR', gauss: 'Gaussians', spiral: 'Spiral', kspirals: 'k spirals', blobs: 'k blobs', plane: 'Plane (regression)', multigauss: 'Multi-Gauss (regression)',
};

const KERNELS_TITLE = 'auto: WASM SIMD when the page is cross-origin isolated, else JS. The two kernel families round differently, so the link names the choice.';

export class Playground {
  state: PlayState;
  private api: Comlink.Remote<TrainApi>;
  private custom: Points | null = null;
  private data!: Split;
  private spec!: NetworkSpec;
  private net!: Network;
  private ws!: Workspace;
  /** Grid cells per side for the heatmaps: finer for small networks, coarser for big ones (keeps a frame short). */
  private G = 40;
  private trainLoss: number[] = [];
  private testLoss: number[] = [];
  private testAcc: number | null = null;
  private trainAcc: number | null = null;
  private epoch = 0;
  private running = false;
  private runPromise: Promise<void> | null = null;
  private rate = 0;
  private workersUsed = 1;
  /** Kernels the training thread runs (what `auto` resolved to), known after each reset. */
  private kernelsUsed: KernelsUsed | null = null;
  private lastKernelsNote: string | null = null;
  private check: Update['check'] = null;
  private selection: Selection | null = null;
  private sample = 0;
  private frame = 0;
  private generation = 0;
  private readonly isolated: boolean;
  private el!: Record<string, HTMLElement>;
  private diagramHits: { x: number; y: number; s: number; l: number; k: number }[] = [];
  private links: { x1: number; y1: number; x2: number; y2: number; l: number; k: number; j: number }[] = [];

  constructor(private root: HTMLElement, query: string, isolated: boolean) {
    this.isolated = isolated;
    const { state, problems } = decodeState(query);
    if (!isolated && state.workers > 1) {
      problems.push(`This page is not cross-origin isolated, so it trains on 1 worker instead of the ${state.workers} in the link.`);
      state.workers = 1;
    }
    this.state = state;
    for (const p of problems) showMessage(p);
    const w = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'playground-trainer' });
    this.api = Comlink.wrap<TrainApi>(w);
    this.build();
  }

  // ---------- controls ----------
  private build(): void {
    const select = (id: string, options: readonly string[], labels: Record<string, string> = {}): HTMLSelectElement =>
      h('select', { id }, ...options.map((o) => h('option', { value: o }, labels[o] ?? o)));
    const num = (id: string, min: number, max: number, step: number | 'any'): HTMLInputElement => h('input', { id, type: 'number', min, max, step });
    const field = (label: string, input: HTMLElement, hint = ''): HTMLElement => h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : '');

    const bar = h('div', { class: 'bar' },
      h('button', { id: 'reset', title: 'Reset weights and data' }, '⟲ Reset'),
      h('button', { id: 'play', class: 'primary' }, '▶ Play'),
      h('button', { id: 'step', title: 'Train one epoch' }, 'Step ›'),
      h('div', { class: 'stat' }, h('small', {}, 'Epoch'), h('b', { id: 'epoch' }, '0')),
      h('div', { class: 'stat' }, h('small', {}, 'Samples/s'), h('b', { id: 'rate' }, '–'), h('small', { id: 'engine', class: 'engine', title: 'kernels · gradient workers' }, '')),
      field('Workers', select('workers', ['1', '2', '3', '4', '6', '8'])),
      field('Kernels', select('kernels', KERNELS, { auto: 'auto', js: 'JS', wasm: 'WASM' })),
      h('span', { id: 'check', class: 'check' }, ''),
      h('button', { id: 'copy-link', title: 'Copy a link that reproduces this run' }, 'Copy link'),
    );

    const dataCol = h('div', { class: 'col data' },
      h('h2', {}, 'Data'),
      field('Dataset', select('dataset', DATASETS, DATASET_LABELS)),
      field('Classes', num('k', LIMITS.k[0], LIMITS.k[1], 1)),
      field('Points', num('n', LIMITS.n[0], LIMITS.n[1], 50)),
      field('Noise %', h('input', { id: 'noise', type: 'range', min: 0, max: 50, step: 5 })),
      field('Train %', h('input', { id: 'train', type: 'range', min: 10, max: 90, step: 10 })),
      field('Batch size', num('batch', LIMITS.batch[0], LIMITS.batch[1], 1)),
      field('Seed', num('seed', 0, LIMITS.seed[1], 1)),
      field('Upload CSV', h('input', { id: 'csv', type: 'file', accept: '.csv,text/csv,text/plain' }), 'rows: x1,x2,label'),
    );

    const featureBox = h('div', { class: 'features', id: 'features' },
      ...FEATURES.map((f) => h('label', { class: 'chip' }, h('input', { type: 'checkbox', value: f }), FEATURE_LABELS[f])));
    const netCol = h('div', { class: 'col network' },
      h('h2', {}, 'Network'),
      h('div', { class: 'row' },
        field('Activation', select('activation', HIDDEN_ACTS)),
        field('Output / loss', select('output', OUTPUTS, { softmax: 'softmax + cross-entropy', sigmoid: 'sigmoid + binary CE', linear: 'linear + MSE', tanh: 'tanh + MSE' })),
        field('Optimizer', select('optimizer', OPTIMIZERS)),
        field('Learning rate', num('lr', 0, 10, 'any')),
        field('L1', num('l1', 0, 1, 'any')),
        field('L2', num('l2', 0, 1, 'any')),
      ),
      h('div', { class: 'row' }, h('span', { class: 'lbl' }, 'Inputs'), featureBox),
      h('div', { class: 'row layers' }, h('span', { class: 'lbl' }, 'Hidden layers'), h('span', { id: 'layer-editor' }),
        h('button', { id: 'add-layer' }, '+ layer'), h('button', { id: 'remove-layer' }, '− layer')),
      h('canvas', { id: 'diagram', width: 620, height: 400 }),
      h('p', { class: 'hint' }, 'Click a neuron or a link to explain it. Links: blue positive, orange negative, width = |w|.'),
    );

    const outCol = h('div', { class: 'col output' },
      h('h2', {}, 'Output'),
      h('canvas', { id: 'boundary', width: 320, height: 320, title: 'Click a point to explain it' }),
      h('div', { class: 'metrics' },
        h('div', {}, h('small', {}, 'Train loss'), h('b', { id: 'train-loss' }, '–')),
        h('div', {}, h('small', {}, 'Test loss'), h('b', { id: 'test-loss' }, '–')),
        h('div', {}, h('small', {}, 'Train acc.'), h('b', { id: 'train-acc' }, '–')),
        h('div', {}, h('small', {}, 'Test acc.'), h('b', { id: 'test-acc' }, '–')),
      ),
      h('canvas', { id: 'loss', width: 320, height: 90 }),
      h('p', { class: 'legend' }, '— train   - - test'),
      h('div', { id: 'explain', class: 'explain' }, h('p', { class: 'hint' }, 'Explain: click a neuron or a link in the network.')),
    );
    this.root.append(bar, h('div', { class: 'cols' }, dataCol, netCol, outCol));
    this.el = {};
    for (const node of this.root.querySelectorAll<HTMLElement>('[id]')) this.el[node.id] = node;
    this.el.kernels.title = KERNELS_TITLE;
    this.syncControls();
    this.wire();
  }

  private syncControls(): void {
    const s = this.state;
    const set = (id: string, v: string | number): void => {
      (this.el[id] as HTMLInputElement).value = String(v);
    };
    set('dataset', s.dataset);
    set('k', s.k);
    set('n', s.n);
    set('noise', s.noise);
    set('train', s.trainPct);
    set('batch', s.batch);
    set('seed', s.seed);
    set('activation', s.activation);
    set('output', s.output);
    set('optimizer', s.optimizer);
    set('lr', s.lr);
    set('l1', s.l1);
    set('l2', s.l2);
    set('workers', s.workers);
    set('kernels', s.kernels);
    (this.el.workers as HTMLSelectElement).disabled = !this.isolated;
    (this.el.k.closest('label') as HTMLElement).hidden = !MULTICLASS.includes(s.dataset);
    for (const box of this.el.features.querySelectorAll<HTMLInputElement>('input')) box.checked = s.features.includes(box.value as never);
    const ed = this.el['layer-editor'];
    ed.replaceChildren(...s.hidden.map((n, i) => {
      const inp = h('input', { type: 'number', min: 1, max: LIMITS.neurons, value: n, 'data-layer': i, title: `neurons in hidden layer ${i + 1}` });
      inp.addEventListener('change', () => {
        const v = Number(inp.value);
        if (!Number.isInteger(v) || v < 1 || v > LIMITS.neurons) {
          showMessage(`A layer needs 1 to ${LIMITS.neurons} neurons; "${inp.value}" was ignored.`);
          inp.value = String(this.state.hidden[i]);
          return;
        }
        this.state.hidden[i] = v;
        void this.apply();
      });
      return inp;
    }));
  }

  private wire(): void {
    const change = (id: string, fn: (v: string) => string | void): void => {
      this.el[id].addEventListener('change', () => {
        const problem = fn((this.el[id] as HTMLInputElement).value);
        if (problem) {
          showMessage(problem);
          this.syncControls();
          return;
        }
        const fixed = fixPairing(this.state);
        fixed.forEach((m) => showMessage(m, 'info'));
        this.syncControls();
        void this.apply();
      });
    };
    const numberIn = (key: 'k' | 'n' | 'noise' | 'trainPct' | 'batch' | 'seed' | 'lr' | 'l1' | 'l2', lim: readonly [number, number], integer: boolean, what: string) => (v: string): string | void => {
      const x = Number(v);
      if (v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < lim[0] || x > lim[1] || (key === 'lr' && x <= 0)) {
        return `${what} must be ${integer ? 'an integer' : 'a number'} from ${key === 'lr' ? '> 0' : lim[0]} to ${lim[1]}; "${v}" was ignored.`;
      }
      this.state[key] = x;
    };
    change('dataset', (v) => {
      this.state.dataset = v as PlayState['dataset'];
      this.custom = null;
    });
    change('k', numberIn('k', LIMITS.k, true, 'Classes'));
    change('n', numberIn('n', LIMITS.n, true, 'Points'));
    change('noise', numberIn('noise', LIMITS.noise, false, 'Noise'));
    change('train', numberIn('trainPct', LIMITS.trainPct, false, 'Train %'));
    change('batch', numberIn('batch', LIMITS.batch, true, 'Batch size'));
    change('seed', numberIn('seed', LIMITS.seed, true, 'Seed'));
    change('lr', numberIn('lr', LIMITS.lr, false, 'Learning rate'));
    change('l1', numberIn('l1', LIMITS.reg, false, 'L1'));
    change('l2', numberIn('l2', LIMITS.reg, false, 'L2'));
    change('activation', (v) => void (this.state.activation = v as PlayState['activation']));
    change('output', (v) => void (this.state.output = v as PlayState['output']));
    change('optimizer', (v) => void (this.state.optimizer = v as PlayState['optimizer']));
    change('kernels', (v) => void (this.state.kernels = v as PlayState['kernels']));
    this.el.features.addEventListener('change', () => {
      const on = [...this.el.features.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value);
      if (on.length === 0) {
        showMessage('The network needs at least one input feature.');
        this.syncControls();
        return;
      }
      this.state.features = FEATURES.filter((f) => on.includes(f));
      void this.apply();
    });
    this.el['add-layer'].addEventListener('click', () => {
      if (this.state.hidden.length >= LIMITS.layers) return showMessage(`At most ${LIMITS.layers} hidden layers.`);
      this.state.hidden.push(this.state.hidden[this.state.hidden.length - 1] ?? 4);
      this.syncControls();
      void this.apply();
    });
    this.el['remove-layer'].addEventListener('click', () => {
      if (this.state.hidden.length === 0) return;
      this.state.hidden.pop();
      this.syncControls();
      void this.apply();
    });
    this.el.workers.addEventListener('change', () => void this.setWorkers(Number((this.el.workers as HTMLSelectElement).value)));
    this.el.play.addEventListener('click', () => (this.running ? this.pause() : this.play()));
    this.el.step.addEventListener('click', () => void this.step());
    this.el.reset.addEventListener('click', () => void this.apply());
    this.el['copy-link'].addEventListener('click', () => {
      const link = this.shareLink();
      void navigator.clipboard?.writeText(link).then(() => showMessage('Link copied: it reproduces this run (kernels included).', 'info'), () => showMessage(`Copy this link: ${link}`, 'info'));
    });
    this.el.csv.addEventListener('change', () => void this.loadCSV());
    this.el.diagram.addEventListener('click', (e) => this.clickDiagram(e as MouseEvent));
    this.el.boundary.addEventListener('click', (e) => this.clickBoundary(e as MouseEvent));
  }

  private async loadCSV(): Promise<void> {
    const input = this.el.csv as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const pts = parsePointsCSV(await file.text(), file.name);
      const K = Math.max(...pts.label) + 1;
      this.custom = pts;
      this.state.dataset = 'blobs';
      this.state.k = Math.max(2, K);
      fixPairing(this.state);
      this.syncControls();
      showMessage(`Loaded ${pts.N} points from ${file.name} (${this.state.k} classes). Uploaded data is not part of the link.`, 'info');
      await this.apply();
    } catch (err) {
      showMessage(`Could not read that CSV: ${errorText(err)}`);
    } finally {
      input.value = '';
    }
  }

  // ---------- training ----------
  /** Rebuilds data and network from the state (a reset), and writes the state into the URL. */
  async apply(): Promise<void> {
    const gen = ++this.generation;
    this.running = false;
    this.el.play.textContent = '▶ Play';
    history.replaceState(null, '', `?${encodeState(this.state)}`);
    const s = this.state;
    this.data = buildData(s, this.custom);
    this.trainLoss = [];
    this.testLoss = [];
    this.testAcc = this.trainAcc = null;
    this.epoch = 0;
    this.sample = Math.floor(this.data.trainIdx.length / 3);
    this.check = null;
    this.kernelsUsed = null;
    this.rate = 0;
    this.selection = null;
    this.el.explain.replaceChildren(h('p', { class: 'hint' }, 'Explain: click a neuron or a link in the network.'));
    try {
      this.net = Network.create({ sizes: layerSizes(s), activation: s.activation, output: s.output }, { seed: s.seed }); // the loss is core's defaultLoss(output)
      this.spec = this.net.spec;
      this.G = this.net.P <= 3000 ? 64 : this.net.P <= 20000 ? 40 : 24;
      const G = this.G;
      this.ws = this.net.workspace(G * G);
      for (let r = 0; r < G; r++) {
        for (let c = 0; c < G; c++) {
          const u = -RANGE + ((c + 0.5) / G) * 2 * RANGE;
          const v = RANGE - ((r + 0.5) / G) * 2 * RANGE;
          featureRow(s.features, u, v, this.ws.X, (r * G + c) * s.features.length);
        }
      }
      this.render();
      const cb = Comlink.proxy((u: Update) => {
        if (gen === this.generation) this.onUpdate(u);
      });
      const info = await this.api.setup({ kind: 'playground', state: structuredClone(s), custom: this.custom }, s.workers, s.workers > 1, cb);
      if (gen !== this.generation) return;
      this.kernelsUsed = info.kernels;
      this.workersUsed = s.workers;
      if (info.kernelsNote && info.kernelsNote !== this.lastKernelsNote) showMessage(info.kernelsNote, 'info');
      this.lastKernelsNote = info.kernelsNote;
      this.render();
      document.body.dataset.ready = String(gen);
    } catch (err) {
      showMessage(errorText(err));
    }
  }

  private async setWorkers(n: number): Promise<void> {
    const wasRunning = this.running;
    if (wasRunning) {
      this.pause();
      await this.runPromise;
    }
    try {
      this.state.workers = this.workersUsed = await this.api.setWorkers(n);
    } catch (err) {
      showMessage(errorText(err));
    }
    await this.api.setCheck(this.state.workers > 1);
    this.check = null;
    history.replaceState(null, '', `?${encodeState(this.state)}`);
    if (wasRunning) this.play();
  }

  play(): void {
    void this.run(Number.POSITIVE_INFINITY);
  }

  pause(): void {
    void this.api.pause();
  }

  async step(): Promise<void> {
    if (this.running) return;
    await this.run(this.epoch + 1);
  }

  private run(until: number): Promise<void> {
    const gen = this.generation;
    this.running = true;
    this.el.play.textContent = '⏸ Pause';
    document.body.dataset.running = '1';
    return (this.runPromise = this.api.run(until).catch((err) => {
      if (gen === this.generation) showMessage(errorText(err));
    }).finally(() => {
      if (gen !== this.generation) return;
      this.running = false;
      this.el.play.textContent = '▶ Play';
      document.body.dataset.running = '0';
    }));
  }

  private onUpdate(u: Update): void {
    this.net.params.set(u.params);
    for (const row of u.history) {
      this.trainLoss.push(row.loss);
      if (row.valLoss !== null) this.testLoss.push(row.valLoss);
      this.trainAcc = row.accuracy;
      this.testAcc = row.valAccuracy;
    }
    this.epoch = u.epoch;
    this.rate = u.samplesPerSec;
    this.workersUsed = u.workers;
    this.kernelsUsed = u.kernels;
    this.check = u.check;
    if (!this.frame) this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  // ---------- drawing ----------
  render(): void {
    const net = this.net;
    const s = this.state;
    net.forward(this.ws, this.G * this.G);
    this.drawBoundary();
    this.drawDiagram();
    drawLossChart(this.el.loss as HTMLCanvasElement, this.trainLoss, this.testLoss);
    const fmt = (v: number | undefined | null, pct = false): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : pct ? `${(v * 100).toFixed(1)}%` : v.toFixed(4));
    this.el.epoch.textContent = String(this.epoch);
    this.el['train-loss'].textContent = fmt(this.trainLoss.at(-1));
    this.el['test-loss'].textContent = fmt(this.testLoss.at(-1));
    this.el['train-acc'].textContent = fmt(this.trainAcc, true);
    this.el['test-acc'].textContent = fmt(this.testAcc, true);
    this.el['test-acc'].dataset.value = this.testAcc === null ? '' : String(this.testAcc);
    this.el.rate.textContent = this.rate ? Math.round(this.rate).toLocaleString('en') : '–';
    this.el.engine.textContent = this.kernelsUsed ? `${this.kernelsUsed} · ${this.workersUsed} worker${this.workersUsed > 1 ? 's' : ''}` : '';
    this.el.engine.dataset.kernels = this.kernelsUsed ?? '';
    const c = this.check;
    this.el.check.textContent = s.workers > 1 && c && c.batches > 0
      ? c.mismatches === 0 ? `✓ same weights as 1 worker${this.kernelsUsed ? ` on ${this.kernelsUsed}` : ''} (${c.batches} batches checked)` : `✗ ${c.mismatches} of ${c.batches} batches differ from 1 worker`
      : '';
    this.el.check.className = `check ${c && c.mismatches > 0 ? 'bad' : 'good'}`;
    if (this.selection) this.explain();
  }

  private drawBoundary(): void {
    const canvas = this.el.boundary as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const s = this.state;
    const G = this.G;
    const K = classCount(s);
    const out = this.ws.a[this.net.L - 1];
    const nOut = this.net.nOut;
    const img = isRegression(s) ? gridImage(G, out, 'signed', 1, 0, 1, 1)
      : nOut === 1 ? gridImage(G, out, 'binary')
        : gridImage(G, out, 'multi', nOut);
    blit(ctx, img, 0, 0, canvas.width, canvas.height);
    const { points, trainIdx, testIdx } = this.data;
    const toPx = (u: number, v: number): [number, number] => [((u + RANGE) / (2 * RANGE)) * canvas.width, ((RANGE - v) / (2 * RANGE)) * canvas.height];
    const dot = (i: number, test: boolean): void => {
      const [x, y] = toPx(points.u[i], points.v[i]);
      const color = isRegression(s) ? divergingRGB(points.label[i]) : K === 2 ? (points.label[i] === 0 ? CLASS_COLORS[0] : CLASS_COLORS[1]) : CLASS_COLORS[points.label[i] % CLASS_COLORS.length];
      ctx.beginPath();
      ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = rgb(color);
      ctx.fill();
      ctx.lineWidth = test ? 1.5 : 1;
      ctx.strokeStyle = test ? '#000' : '#fff';
      ctx.stroke();
    };
    for (const i of trainIdx) dot(i, false);
    for (const i of testIdx) dot(i, true);
    if (this.selection) {
      const i = trainIdx[this.sample];
      const [x, y] = toPx(points.u[i], points.v[i]);
      ctx.beginPath();
      ctx.arc(x, y, 7, 0, 2 * Math.PI);
      ctx.strokeStyle = '#d00';
      ctx.lineWidth = 2;
      ctx.stroke();
    }
  }

  private drawDiagram(): void {
    const canvas = this.el.diagram as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const W = canvas.width;
    const H = canvas.height;
    ctx.clearRect(0, 0, W, H);
    const G = this.G;
    const sizes = this.spec.sizes;
    const cols = sizes.length;
    const maxN = Math.max(...sizes);
    const box = Math.max(4, Math.min(30, Math.floor((H - 24) / maxN) - 4));
    const gap = Math.max(1, Math.min(10, Math.floor((H - 24 - maxN * box) / Math.max(1, maxN))));
    const left = box >= 14 ? 52 : 12;
    const xOf = (c: number): number => left + (c / Math.max(1, cols - 1)) * (W - left - 20 - box);
    const pos: { x: number; y: number }[][] = sizes.map((n, c) => {
      const total = n * box + (n - 1) * gap;
      const y0 = (H - total) / 2;
      return Array.from({ length: n }, (_, k) => ({ x: xOf(c), y: y0 + k * (box + gap) }));
    });
    // links, coloured and sized by weight
    this.links = [];
    for (let l = 1; l < cols; l++) {
      const nIn = sizes[l - 1];
      const Wl = this.net.W[l - 1];
      let maxW = 1e-9;
      for (let i = 0; i < Wl.length; i++) if (i % (nIn + 1) !== 0) maxW = Math.max(maxW, Math.abs(Wl[i]));
      const dense = sizes[l] * nIn > 2000;
      for (let k = 0; k < sizes[l]; k++) {
        for (let j = 0; j < nIn; j++) {
          const w = Wl[k * (nIn + 1) + j + 1];
          const a = pos[l - 1][j];
          const b = pos[l][k];
          const x1 = a.x + box;
          const y1 = a.y + box / 2;
          const x2 = b.x;
          const y2 = b.y + box / 2;
          ctx.beginPath();
          ctx.moveTo(x1, y1);
          ctx.lineTo(x2, y2);
          ctx.strokeStyle = rgb(w >= 0 ? [8, 119, 189] : [245, 147, 34], Math.min(1, 0.15 + Math.abs(w) / maxW));
          ctx.lineWidth = dense ? 0.5 : Math.min(5, 0.4 + Math.abs(w) * 1.5);
          ctx.stroke();
          this.links.push({ x1, y1, x2, y2, l, k, j: j + 1 });
        }
      }
    }
    const sel = this.selection;
    if (sel && sel.kind === 'link') {
      const ln = this.links.find((d) => d.l === sel.l && d.k === sel.k && d.j === sel.j);
      if (ln) {
        ctx.beginPath();
        ctx.moveTo(ln.x1, ln.y1);
        ctx.lineTo(ln.x2, ln.y2);
        ctx.strokeStyle = '#d00';
        ctx.lineWidth = 3;
        ctx.stroke();
      }
    }
    // neurons: a small heatmap of each one's output over the input square
    this.diagramHits = [];
    const nIn0 = sizes[0];
    for (let c = 0; c < cols; c++) {
      const n = sizes[c];
      const values = c === 0 ? this.ws.X : this.ws.a[c - 1];
      const phi = c === 0 ? 'linear' : this.spec.activations[c - 1];
      for (let k = 0; k < n; k++) {
        let img: ImageData;
        if (phi === 'sigmoid' || phi === 'softmax') {
          img = gridImage(G, values, 'binary', 1, k, c === 0 ? nIn0 : n);
        } else {
          let m = 1e-9;
          for (let i = 0; i < G * G; i++) m = Math.max(m, Math.abs(values[i * n + k]));
          img = gridImage(G, values, 'signed', 1, k, n, phi === 'tanh' ? 1 : m);
        }
        const { x, y } = pos[c][k];
        blit(ctx, img, x, y, box, box);
        const picked = sel && sel.kind === 'neuron' && sel.l === c && sel.k === k;
        ctx.lineWidth = picked ? 2.5 : 1;
        ctx.strokeStyle = picked ? '#d00' : '#555';
        ctx.strokeRect(x, y, box, box);
        this.diagramHits.push({ x, y, s: box, l: c, k });
      }
    }
    ctx.fillStyle = '#444';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    for (let c = 0; c < cols; c++) {
      const label = c === 0 ? 'inputs' : c === cols - 1 ? 'output' : `layer ${c} (${sizes[c]})`;
      ctx.fillText(label, xOf(c) + box / 2, 11);
    }
    if (box >= 14) {
      ctx.textAlign = 'right';
      this.state.features.forEach((f, j) => ctx.fillText(FEATURE_LABELS[f], pos[0][j].x - 3, pos[0][j].y + box / 2 + 4));
    }
  }

  private clickDiagram(e: MouseEvent): void {
    const canvas = this.el.diagram as HTMLCanvasElement;
    const r = canvas.getBoundingClientRect();
    const x = ((e.clientX - r.left) * canvas.width) / r.width;
    const y = ((e.clientY - r.top) * canvas.height) / r.height;
    const hit = this.diagramHits.find((d) => x >= d.x && x <= d.x + d.s && y >= d.y && y <= d.y + d.s);
    if (hit) {
      this.selection = { kind: 'neuron', l: hit.l, k: hit.k };
    } else {
      let best: (typeof this.links)[number] | null = null;
      let bestD = 5;
      for (const ln of this.links) {
        const dx = ln.x2 - ln.x1;
        const dy = ln.y2 - ln.y1;
        const t = Math.max(0, Math.min(1, ((x - ln.x1) * dx + (y - ln.y1) * dy) / (dx * dx + dy * dy || 1)));
        const d = Math.hypot(x - (ln.x1 + t * dx), y - (ln.y1 + t * dy));
        if (d < bestD) {
          bestD = d;
          best = ln;
        }
      }
      if (!best) return;
      this.selection = { kind: 'link', l: best.l, k: best.k, j: best.j };
    }
    this.render();
  }

  private clickBoundary(e: MouseEvent): void {
    const canvas = this.el.boundary as HTMLCanvasElement;
    const r = canvas.getBoundingClientRect();
    const u = ((e.clientX - r.left) / r.width) * 2 * RANGE - RANGE;
    const v = RANGE - ((e.clientY - r.top) / r.height) * 2 * RANGE;
    const { points, trainIdx } = this.data;
    let best = 0;
    let bestD = Infinity;
    trainIdx.forEach((i, n) => {
      const d = (points.u[i] - u) ** 2 + (points.v[i] - v) ** 2;
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    });
    this.sample = best;
    if (!this.selection) this.selection = { kind: 'neuron', l: this.net.L, k: 0 };
    this.render();
  }

  private explain(): void {
    const s = this.state;
    const i = this.data.trainIdx[this.sample];
    const { points } = this.data;
    const x0 = new Array<number>(s.features.length);
    featureRow(s.features, points.u[i], points.v[i], x0, 0);
    const y = new Array<number>(this.net.nOut);
    targetRow(s, points.label[i], y, 0);
    const name = `training point #${this.sample + 1} at (${points.u[i].toFixed(2)}, ${points.v[i].toFixed(2)}), ${isRegression(s) ? `value ${points.label[i].toFixed(3)}` : `class ${points.label[i]}`} — click the output map to pick another`;
    this.el.explain.innerHTML = explainHTML(this.net, this.selection!, x0, y, { name: s.optimizer, lr: s.lr, l1: s.l1, l2: s.l2 }, name, s.features.map((f) => FEATURE_LABELS[f]));
  }

  /** The link to share: the URL state with `auto` pinned to the kernels that ran (so it reproduces the bits). */
  shareLink(): string {
    const q = encodeState(this.kernelsUsed ? pinnedState(this.state, this.kernelsUsed) : this.state);
    return `${location.origin}${location.pathname}?${q}`;
  }

  /** For tests and the console: a digest of the current weights. */
  weightsDigest(): string {
    let hsh = 2166136261;
    const bytes = new Uint8Array(this.net.params.buffer, this.net.params.byteOffset, this.net.params.byteLength);
    for (let i = 0; i < bytes.length; i++) hsh = Math.imul(hsh ^ bytes[i], 16777619) >>> 0;
    return `${this.net.P}:${hsh.toString(16)}`;
  }

  get epochs(): number {
    return this.epoch;
  }
  get testAccuracy(): number | null {
    return this.testAcc;
  }
  /** Kernels the training runs on ('js' or 'wasm'; null until the first reset finishes). */
  get kernels(): KernelsUsed | null {
    return this.kernelsUsed;
  }
  get isRunning(): boolean {
    return this.running;
  }
}
