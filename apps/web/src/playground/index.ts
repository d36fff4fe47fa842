/**
 * The playground tab: the state (URL) ⇄ controls (controls.ts), a run in the training thread
 * (session.ts), and the views: the network diagram (diagram.ts), the output map (boundary.ts),
 * the loss chart (chart.ts), and the explain / lesson panel. The page thread only draws: one
 * small forward pass over a grid per frame, at most one frame per update.
 */
import { Network, type NetworkSpec } from '@backprop/core';
import type { Workspace } from '@backprop/core/engine';
import { LineChart } from '../chart.js';
import { RANGE, buildData, featureRow, parsePointsCSV, targetRow, type Points, type Split } from '../datasets.js';
import { explainHTML, type Selection } from '../explain.js';
import { downloadFiles, exportBase, exportFiles } from '../export.js';
import type { EpochPoint } from '../history.js';
import { bind, currentLang, num, setLang, t, type Lang, type Messages } from '../i18n/index.js';
import { LessonView, type LessonSource } from '../lesson-view.js';
import { pickSample, type LessonOptimizer } from '../lesson.js';
import { errorText, h, showMessage } from '../messages.js';
import { createNetwork, jobFor } from '../protocol.js';
import {
  FEATURE_LABELS, classCount, decodeState, encodeState, fixPairing, isRegression, pinnedState, type KernelsUsed, type Panel, type PlayState, type WorkerChoice,
} from '../state.js';
import type { KernelsNote, OptimizerSnapshot, Update } from '../train.worker.js';
import { UploadError, MAX_CSV_BYTES, checkFile } from '../upload.js';
import { planWorkers, type WorkerPlan } from '../workers.js';
import { drawBoundary, pickPoint } from './boundary.js';
import { Controls } from './controls.js';
import { centreOf, drawDiagram, hitTest, layout, type Hit, type Layout } from './diagram.js';
import { Session } from './session.js';

/** Diagram canvas: 620 px wide, as tall as the widest layer needs (up to 400 px). */
const diagramSize = (sizes: number[]): { width: number; height: number } => ({ width: 620, height: Math.min(400, Math.max(200, 44 + Math.max(...sizes) * 40)) });

export class Playground {
  state: PlayState;
  private readonly session: Session;
  private readonly controls: Controls;
  private readonly chart: LineChart;
  private readonly lesson: LessonView;
  private readonly el: Record<string, HTMLElement>;
  private custom: Points | null = null;
  private data!: Split;
  private spec!: NetworkSpec;
  private net!: Network;
  private ws!: Workspace;
  /** Grid cells per side of the output map: finer for small networks, coarser for big ones (keeps a frame short). */
  private G = 40;
  /** The neuron thumbnails (at most 30 px wide) need only a coarse grid of their own: a frame paints 24² cells per neuron. */
  private readonly GT = 24;
  private wsT!: Workspace;
  private series: EpochPoint[] = [];
  private seriesChanged = true;
  private last: EpochPoint | null = null;
  private epoch = 0;
  private rate = 0;
  private plan: WorkerPlan = { workers: 1, reason: { kind: 'chosen', n: 1 } };
  private workersUsed = 1;
  /** Kernels the training thread runs (what `auto` resolved to), known after each reset. */
  private kernelsUsed: KernelsUsed | null = null;
  private lastKernelsNote: string | null = null;
  private check: Update['check'] = null;
  private selection: Selection | null = null;
  /** Index into data.trainIdx of the explained / lesson sample. */
  private sample = 0;
  private samplePicked = false;
  private optimizer: OptimizerSnapshot | null = null;
  private lessonLayer: number | null = null;
  private frame = 0;
  /** An update arrived after the pending frame drew its numbers: draw once more when it ends. */
  private redraw = false;
  private lay!: Layout;

  constructor(private readonly root: HTMLElement, query: string, private readonly isolated: boolean) {
    const fallback: Lang = typeof navigator !== 'undefined' && navigator.language?.startsWith('pl') ? 'pl' : 'en';
    const { state, problems } = decodeState(query, fallback);
    this.state = state;
    setLang(state.lang);
    for (const p of problems) showMessage(t().problem(p));
    if (!isolated && state.workers !== 'auto' && state.workers > 1) {
      showMessage(t().controls.notIsolatedWorkers(state.workers));
      state.workers = 1;
    }
    this.session = new Session({
      update: (u) => this.onUpdate(u),
      running: (on) => {
        this.controls.setRunning(on);
        document.body.dataset.running = on ? '1' : '0';
        if (!on) this.rate = 0;
        this.schedule();
      },
      error: (text) => showMessage(text),
    });
    this.controls = new Controls(state, isolated, {
      reset: () => void this.apply(),
      play: () => (this.session.running ? this.session.pause() : this.session.play()),
      step: () => void this.session.step(),
      pace: (p) => {
        void this.session.setPace(p);
        this.controls.showSliderValues(t());
        this.writeUrl();
      },
      workers: (w) => void this.setWorkers(w),
      lang: (l) => this.setLanguage(l),
      panel: (p) => this.setPanel(p),
      copyLink: () => this.copyLink(),
      exportModel: (format) => void this.exportModel(format),
      csv: (f) => void this.loadCSV(f),
      problem: (text) => showMessage(text(t())),
    });
    this.lesson = new LessonView((layer) => {
      if (layer !== this.lessonLayer) {
        this.lessonLayer = layer;
        this.drawNet();
      }
    }, () => {
      this.samplePicked = false;
      this.schedule();
    });

    const tabButton = (p: Panel, text: (m: Messages) => string): HTMLElement => {
      const b = bind(h('button', { class: 'ptab', 'data-panel': p, role: 'tab' }), text);
      b.addEventListener('click', () => this.setPanel(p));
      return b;
    };
    const metric = (id: string, name: (m: Messages) => string): HTMLElement => h('div', {}, bind(h('small'), name), h('b', { id }, '–'));
    const netCol = h('div', { class: 'col network' },
      bind(h('h2'), (m) => m.playground.network),
      this.controls.netControls,
      h('canvas', { id: 'diagram', width: 620, height: 400 }),
      bind(h('p', { class: 'hint' }), (m) => m.playground.diagramHint),
    );
    const outCol = h('div', { class: 'col output' },
      bind(h('h2'), (m) => m.playground.output),
      bind(h('canvas', { id: 'boundary', width: 320, height: 320 }), (m) => m.playground.boundaryTitle, 'title'),
      h('div', { class: 'metrics' },
        metric('train-loss', (m) => m.playground.trainLoss), metric('test-loss', (m) => m.playground.testLoss),
        metric('train-acc', (m) => m.playground.trainAcc), metric('test-acc', (m) => m.playground.testAcc)),
      h('div', { id: 'loss-chart', class: 'chart' }),
    );
    const panelCol = h('div', { class: 'col panel-col' },
      h('div', { class: 'ptabs', role: 'tablist' }, tabButton('explain', (m) => m.playground.explainTab), tabButton('lesson', (m) => m.playground.lessonTab)),
      h('div', { id: 'explain', class: 'explain' }),
      this.lesson.el,
    );
    this.root.append(this.controls.bar, h('div', { class: 'cols' }, this.controls.dataCol, netCol, outCol, panelCol));
    this.el = { ...this.controls.el };
    for (const node of this.root.querySelectorAll<HTMLElement>('[id]')) this.el[node.id] ??= node;
    this.chart = new LineChart(this.el['loss-chart'], {
      height: 150, yLabel: (m) => m.chart.loss,
      series: [{ label: (m) => m.chart.train, stroke: '#222' }, { label: (m) => m.chart.test, stroke: '#888', dash: [5, 4] }],
    });
    this.el.diagram.addEventListener('click', (e) => this.clickDiagram(e as MouseEvent));
    this.el.boundary.addEventListener('click', (e) => this.clickBoundary(e as MouseEvent));
    this.controls.showSliderValues(t());
    this.setPanel(state.panel, false);
  }

  // ---------- state, URL, language ----------
  private writeUrl(): void {
    history.replaceState(null, '', `?${encodeState(this.state)}`);
  }

  private setLanguage(l: Lang): void {
    this.state.lang = l;
    setLang(l);
    this.controls.showSliderValues(t());
    this.lesson.invalidate();
    this.writeUrl();
    this.render();
  }

  private setPanel(p: Panel, write = true): void {
    this.state.panel = p;
    for (const b of this.root.querySelectorAll<HTMLElement>('.ptab')) b.setAttribute('aria-selected', String(b.dataset.panel === p));
    this.el.explain.hidden = p !== 'explain';
    this.lesson.el.hidden = p !== 'lesson';
    if (p !== 'lesson') this.lessonLayer = null;
    else {
      this.lesson.invalidate();
      void this.refreshOptimizer();
    }
    if (write) this.writeUrl();
    if (this.net) this.render();
  }

  private async loadCSV(file: File): Promise<void> {
    try {
      checkFile(file, MAX_CSV_BYTES);
      const pts = parsePointsCSV(await file.text(), file.name);
      const K = Math.max(...pts.label) + 1;
      this.custom = pts;
      this.state.dataset = 'blobs';
      this.state.k = Math.max(2, K);
      fixPairing(this.state);
      this.controls.sync();
      showMessage(t().playground.csvLoaded(pts.N, file.name, this.state.k), 'info');
      await this.apply();
    } catch (err) {
      showMessage(t().playground.csvFailed(err instanceof UploadError ? err.text(t()) : errorText(err)));
    }
  }

  // ---------- training ----------
  /** Rebuilds data and network from the state (a reset), and writes the state into the URL. */
  async apply(): Promise<void> {
    this.writeUrl();
    const s = this.state;
    const job = jobFor(s, this.custom);
    this.data = buildData(job.data.spec, job.data.custom);
    this.series = [];
    this.seriesChanged = true;
    this.last = null;
    this.epoch = 0;
    this.samplePicked = false;
    this.check = null;
    this.kernelsUsed = null;
    this.rate = 0;
    this.optimizer = null;
    this.selection = null;
    try {
      this.net = createNetwork(job);
      this.spec = this.net.spec;
      this.G = this.net.P <= 3000 ? 48 : this.net.P <= 20000 ? 40 : 24;
      const G = this.G;
      this.ws = this.gridWorkspace(G);
      this.wsT = this.gridWorkspace(this.GT);
      this.plan = planWorkers(s.workers, Math.min(s.batch, this.data.train.N), this.net.P, this.isolated, navigator.hardwareConcurrency || 2);
      this.render();
      const info = await this.session.reset(job, this.plan.workers, s.pace);
      if (!info) return; // superseded by a newer reset
      this.kernelsUsed = info.kernels;
      this.workersUsed = this.plan.workers;
      const note = this.kernelsNoteText(info.kernelsNote);
      if (note && note !== this.lastKernelsNote) showMessage(note, 'info');
      this.lastKernelsNote = note;
      await this.refreshOptimizer();
      this.render();
      document.body.dataset.ready = String(this.session.generation);
    } catch (err) {
      showMessage(errorText(err));
    }
  }

  /** A workspace whose inputs are the features of a G×G grid over the input square (row 0 at the top). */
  private gridWorkspace(G: number): Workspace {
    const ws = this.net.workspace(G * G);
    const f = this.state.features;
    for (let r = 0; r < G; r++) {
      for (let c = 0; c < G; c++) featureRow(f, -RANGE + ((c + 0.5) / G) * 2 * RANGE, RANGE - ((r + 0.5) / G) * 2 * RANGE, ws.X, (r * G + c) * f.length);
    }
    return ws;
  }

  private kernelsNoteText(n: KernelsNote): string | null {
    if (!n) return null;
    return n.kind === 'wasmUnavailable' ? t().kernels.unavailable : t().kernels.failed(n.detail);
  }

  private async setWorkers(w: WorkerChoice): Promise<void> {
    this.state.workers = w;
    this.plan = planWorkers(w, Math.min(this.state.batch, this.data.train.N), this.net.P, this.isolated, navigator.hardwareConcurrency || 2);
    try {
      this.workersUsed = await this.session.setWorkers(this.plan.workers);
    } catch (err) {
      showMessage(errorText(err));
    }
    this.check = null;
    this.writeUrl();
    this.render();
  }

  private async refreshOptimizer(): Promise<void> {
    if (this.state.panel !== 'lesson') return;
    try {
      this.optimizer = await this.session.optimizer();
      this.schedule();
    } catch {
      /* not set up yet */
    }
  }

  play(): void {
    if (!this.session.running) this.session.play();
  }

  pause(): void {
    this.session.pause();
  }

  async step(): Promise<void> {
    await this.session.step();
  }

  private onUpdate(u: Update): void {
    this.net.params.set(u.params);
    if (u.series) {
      this.series = u.series;
      this.seriesChanged = true;
    }
    this.last = u.last;
    this.epoch = u.epoch;
    this.rate = u.samplesPerSec;
    this.workersUsed = u.workers;
    this.kernelsUsed = u.kernels;
    this.check = u.check;
    if (this.state.panel === 'lesson') void this.refreshOptimizer();
    this.schedule();
  }

  /**
   * One drawing per update at most, in two short tasks instead of one long one: the output map and
   * numbers in the animation frame, the diagram and the panel right after (the page stays responsive
   * even on a machine whose cores are shared).
   */
  private schedule(): void {
    if (this.frame) {
      this.redraw = true;
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.redraw = false; // what arrived until now is drawn by this frame
      this.renderOutput();
      setTimeout(() => {
        this.renderNet();
        this.frame = 0;
        // e.g. a step's last update, which can arrive after the run's end (another message port):
        // without this the page would show the epoch before it until the next update
        if (this.redraw) this.schedule();
      }, 0);
    });
  }

  // ---------- drawing ----------
  render(): void {
    this.renderOutput();
    this.renderNet();
  }

  /** The diagram (its own coarse grid) and the explain / lesson panel. */
  private renderNet(): void {
    if (!this.net) return;
    this.net.forward(this.wsT, this.GT * this.GT);
    this.drawNet();
    const m = t();
    if (this.state.panel === 'explain') this.explain(m);
    else this.showLesson(m);
  }

  /** The output map, the chart and the numbers. */
  private renderOutput(): void {
    if (!this.net) return;
    const m = t();
    this.net.forward(this.ws, this.G * this.G);
    this.drawOutput();
    if (this.seriesChanged) {
      this.seriesChanged = false;
      this.chart.setData(this.series.map((p) => p.epoch), [this.series.map((p) => p.loss), this.series.map((p) => p.valLoss)]);
    }
    const fmt = (v: number | undefined | null, pct = false): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : pct ? `${num(v * 100, 1)}%` : num(v, 4));
    const last = this.last;
    this.el.epoch.textContent = num(this.epoch);
    this.el['train-loss'].textContent = fmt(last?.loss);
    this.el['test-loss'].textContent = fmt(last?.valLoss);
    this.el['train-acc'].textContent = fmt(last?.accuracy, true);
    this.el['test-acc'].textContent = fmt(last?.valAccuracy, true);
    this.el['test-acc'].dataset.value = last?.valAccuracy == null ? '' : String(last.valAccuracy);
    const rate = this.session.running ? this.rate : 0;
    this.el.rate.textContent = num(Math.round(rate));
    this.el.rate.dataset.value = String(rate);
    this.el.engine.textContent = this.kernelsUsed ? `${this.kernelsUsed} · ${m.controls.workersCount(this.workersUsed)}` : '';
    this.el.engine.dataset.kernels = this.kernelsUsed ?? '';
    this.el['workers-why'].textContent = m.workers(this.plan.reason);
    const c = this.check;
    this.el.check.textContent = this.workersUsed > 1 && c && c.batches > 0
      ? c.mismatches === 0 ? m.controls.checkSame(this.kernelsUsed ?? '', c.batches, c.seen) : m.controls.checkDiffer(c.mismatches, c.batches)
      : '';
    this.el.check.className = `check ${c && c.mismatches > 0 ? 'bad' : 'good'}`;
  }

  private drawOutput(): void {
    const s = this.state;
    this.ensureSample();
    drawBoundary(this.el.boundary as HTMLCanvasElement, {
      G: this.G, out: this.ws.a[this.net.L - 1], nOut: this.net.nOut, regression: isRegression(s), classes: classCount(s), data: this.data,
      ringed: this.selection || s.panel === 'lesson' ? this.sample : null,
    });
  }

  private drawNet(): void {
    const canvas = this.el.diagram as HTMLCanvasElement;
    const size = diagramSize(this.spec.sizes);
    if (canvas.height !== size.height) canvas.height = size.height;
    this.lay = layout(this.spec.sizes, this.net.W, size);
    const m = t();
    const sizes = this.spec.sizes;
    const L = sizes.length - 1;
    drawDiagram(canvas.getContext('2d')!, this.lay, {
      G: this.GT,
      values: [this.wsT.X, ...this.wsT.a.slice(0, L)],
      phi: ['linear', ...this.spec.activations],
      classTint: this.spec.activations[L - 1] === 'softmax' && sizes[L] > 2,
    }, {
      selected: this.state.panel === 'explain' ? this.selection : null,
      layer: this.state.panel === 'lesson' ? this.lessonLayer : null,
      labels: sizes.map((n, c) => (c === 0 ? m.playground.inputsLabel : c === L ? m.playground.outputLabel : m.playground.layerLabel(c, n))),
      inputNames: this.state.features.map((f) => FEATURE_LABELS[f]),
    });
  }

  /** Picks the default lesson/explain sample once per run: one the network gets wrong or is unsure of. */
  private ensureSample(): void {
    if (this.samplePicked) return;
    this.samplePicked = true;
    const train = this.data.train;
    const out = this.net.predict(train.X, train.N);
    const target = Array.from(this.data.trainIdx, (i) => this.data.points.label[i]);
    this.sample = pickSample(out, this.net.nOut, target, isRegression(this.state));
  }

  private clickDiagram(e: MouseEvent): void {
    const canvas = this.el.diagram as HTMLCanvasElement;
    const r = canvas.getBoundingClientRect();
    const hit = hitTest(this.lay, ((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height);
    if (!hit) return;
    this.selection = hit;
    if (this.state.panel !== 'explain') this.setPanel('explain');
    else this.render();
  }

  private clickBoundary(e: MouseEvent): void {
    const canvas = this.el.boundary as HTMLCanvasElement;
    const r = canvas.getBoundingClientRect();
    this.sample = pickPoint(this.data, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    this.samplePicked = true;
    if (this.state.panel === 'explain' && !this.selection) this.selection = { kind: 'neuron', l: this.net.L, k: 0 };
    this.lesson.invalidate();
    this.render();
  }

  /** The chosen sample: its input row, target row and a line naming it. */
  private sampleRows(m: Messages): { x0: number[]; y: number[]; name: string } {
    const s = this.state;
    const i = this.data.trainIdx[this.sample];
    const { points } = this.data;
    const x0 = new Array<number>(s.features.length);
    featureRow(s.features, points.u[i], points.v[i], x0, 0);
    const y = new Array<number>(this.net.nOut);
    targetRow(s, points.label[i], y, 0);
    const value = isRegression(s) ? m.playground.value(points.label[i].toFixed(3)) : m.playground.classN(points.label[i]);
    return { x0, y, name: m.playground.sampleName(this.sample + 1, points.u[i].toFixed(2), points.v[i].toFixed(2), value) };
  }

  private explain(m: Messages): void {
    const box = this.el.explain;
    if (!this.selection) {
      box.replaceChildren(h('p', { class: 'hint' }, m.playground.explainHint));
      return;
    }
    const s = this.state;
    const { x0, y, name } = this.sampleRows(m);
    box.innerHTML = explainHTML(this.net, this.selection, x0, y, { name: s.optimizer, lr: s.lr, l1: s.l1, l2: s.l2 }, name, s.features.map((f) => FEATURE_LABELS[f]), m);
  }

  /** What the lesson shows for the training network: this sample, the page's weights, the optimizer's real state. */
  lessonSource(m: Messages = t()): LessonSource {
    const s = this.state;
    const { x0, y, name } = this.sampleRows(m);
    const o = this.optimizer;
    const opt: LessonOptimizer = o ?? { name: s.optimizer, lr: s.lr, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, l1: s.l1, l2: s.l2, t: 0, vectors: {} };
    return { net: this.net, x0, y, opt, sample: m.lesson.sampleLine(name, this.epoch) };
  }

  private showLesson(m: Messages): void {
    if (this.lesson.isOwn) {
      this.lesson.update(this.lesson.ownSource(m), `own:${JSON.stringify(this.lesson.own)}:${currentLang()}`);
      return;
    }
    this.lesson.update(this.lessonSource(m), `${this.session.generation}:${this.sample}:${this.epoch}:${this.optimizer?.t ?? -1}:${this.weightsDigest()}:${currentLang()}`);
  }

  private copyLink(): void {
    const link = this.shareLink();
    void navigator.clipboard?.writeText(link).then(() => showMessage(t().playground.linkCopied, 'info'), () => showMessage(t().playground.copyThis(link), 'info'));
  }

  /**
   * The network as it is drawn (the last weights from the training thread) in ONNX or TF.js.
   * No preprocessing: its inputs are the chosen features (x₁, x₂, x₁², …) in the order shown.
   */
  private async exportModel(format: 'onnx' | 'tfjs'): Promise<void> {
    try {
      downloadFiles(await exportFiles(format, this.net, null, exportBase('playground', this.spec.sizes)));
    } catch (err) {
      showMessage(t().exports.failed(errorText(err)));
    }
  }

  // ---------- handles for tests and the console ----------
  /** Outputs of the page's network for N rows of network inputs (row-major), as plain numbers. */
  predictRows(X: number[], N: number): number[] {
    return Array.from(this.net.predict(X, N));
  }

  /** The link to share: the URL state with `auto` pinned to the kernels that ran (so it reproduces the bits). */
  shareLink(): string {
    const q = encodeState(this.kernelsUsed ? pinnedState(this.state, this.kernelsUsed) : this.state);
    return `${location.origin}${location.pathname}?${q}`;
  }

  /** A digest of the current weights. */
  weightsDigest(): string {
    let hsh = 2166136261;
    const bytes = new Uint8Array(this.net.params.buffer, this.net.params.byteOffset, this.net.params.byteLength);
    for (let i = 0; i < bytes.length; i++) hsh = Math.imul(hsh ^ bytes[i], 16777619) >>> 0;
    return `${this.net.P}:${hsh.toString(16)}`;
  }

  /** Where a neuron or link is drawn, in CSS pixels relative to the diagram canvas. */
  diagramPoint(hit: Hit): { x: number; y: number } | null {
    const p = centreOf(this.lay, hit);
    const canvas = this.el.diagram as HTMLCanvasElement;
    const r = canvas.getBoundingClientRect();
    return p ? { x: (p.x * r.width) / canvas.width, y: (p.y * r.height) / canvas.height } : null;
  }

  /** The lesson's inputs: spec, weights (float64 copies), sample rows (for checking the page against core). */
  lessonInputs(): { spec: NetworkSpec; params: number[]; x0: number[]; y: number[] } {
    const src = this.lesson.isOwn ? this.lesson.ownSource(t()) : this.lessonSource();
    return { spec: src.net.spec, params: Array.from(src.net.params), x0: src.x0, y: src.y };
  }

  /** Selects a training sample (index into the training split) for the explain panel and lesson. */
  selectSample(n: number): void {
    this.sample = Math.max(0, Math.min(this.data.trainIdx.length - 1, n));
    this.samplePicked = true;
    this.lesson.invalidate();
    this.render();
  }

  get epochs(): number {
    return this.epoch;
  }
  get testAccuracy(): number | null {
    return this.last?.valAccuracy ?? null;
  }
  /** Kernels the training runs on ('js' or 'wasm'; null until the first reset finishes). */
  get kernels(): KernelsUsed | null {
    return this.kernelsUsed;
  }
  get isRunning(): boolean {
    return this.session.running;
  }
  /** Points in the page's loss record (bounded). */
  get historyLength(): number {
    return this.series.length;
  }
}
