/**
 * The playground's controls: built once from the state, kept in sync with it (`sync`), and
 * wired to the state: a change that alters the run updates the state and asks for a reset;
 * play, step, pace, workers, language and panel go to their own handlers. Every label is
 * bound to the message catalogue, so a language switch relabels in place.
 */
import { bind, LANGS, type Lang, type Messages } from '../i18n/index.js';
import { h } from '../messages.js';
import {
  DATASETS, FEATURES, FEATURE_LABELS, HIDDEN_ACTS, KERNELS, LIMITS, MULTICLASS, OPTIMIZERS, OUTPUTS, PACES, WORKER_CHOICES, fixPairing,
  type Panel, type PlayState, type WorkerChoice,
} from '../state.js';

export interface ControlEvents {
  /** The state changed in a way that needs a new run. */
  reset(): void;
  play(): void;
  step(): void;
  pace(p: number): void;
  workers(w: WorkerChoice): void;
  lang(l: Lang): void;
  panel(p: Panel): void;
  copyLink(): void;
  /** Download the network as ONNX or TF.js files. */
  exportModel(format: 'onnx' | 'tfjs'): void;
  csv(file: File): void;
  /** A message for the strip (problems are in the current language). */
  problem(text: (m: Messages) => string): void;
}

/** Inline SVG icons (every font renders them; the ⏸ glyph is a box on Debian's fonts). */
const ICON = {
  play: '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M4 2.5v11l9-5.5z" fill="currentColor"/></svg>',
  pause: '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M4 2.5h3v11H4zM9 2.5h3v11H9z" fill="currentColor"/></svg>',
  reset: '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M8 3a5 5 0 1 1-4.6 3H1.6A6.5 6.5 0 1 0 4 3.1V1L0.9 4.2 4 7.3V5.1A5 5 0 0 1 8 3z" fill="currentColor"/></svg>',
  step: '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M3 2.5v11l7-5.5zM11 2.5h2v11h-2z" fill="currentColor"/></svg>',
};

const paceIndex = (p: number): number => {
  let best = 0;
  PACES.forEach((q, i) => {
    if (Math.abs(Math.log(q) - Math.log(p)) < Math.abs(Math.log(PACES[best]) - Math.log(p))) best = i;
  });
  return p === Infinity ? PACES.length - 1 : best;
};

export class Controls {
  readonly el: Record<string, HTMLElement> = {};
  readonly bar: HTMLElement;
  readonly dataCol: HTMLElement;
  readonly netControls: HTMLElement;

  constructor(private readonly state: PlayState, private readonly isolated: boolean, private readonly on: ControlEvents) {
    const label = (fn: (m: Messages) => string): HTMLElement => bind(h('span'), fn);
    const select = (id: string, options: readonly (string | number)[], text: (o: string, m: Messages) => string = (o) => o): HTMLSelectElement =>
      h('select', { id }, ...options.map((o) => bind(h('option', { value: String(o) }), (m) => text(String(o), m))));
    const num = (id: string, min: number, max: number, step: number | 'any'): HTMLInputElement => h('input', { id, type: 'number', min, max, step });
    const field = (name: (m: Messages) => string, input: HTMLElement, extra: HTMLElement | string = ''): HTMLElement => h('label', { class: 'field' }, label(name), input, extra);
    const slider = (id: string, min: number, max: number, step: number): HTMLElement =>
      h('span', { class: 'slider' }, h('input', { id, type: 'range', min, max, step }), h('output', { id: `${id}-value`, for: id }));
    const button = (id: string, icon: string, text: (m: Messages) => string, cls = ''): HTMLButtonElement => {
      const b = h('button', { id, class: cls });
      const span = bind(h('span'), text);
      b.innerHTML = icon;
      b.append(' ', span);
      return b;
    };
    const stat = (id: string, name: (m: Messages) => string, extra?: HTMLElement): HTMLElement => h('div', { class: 'stat' }, bind(h('small'), name), h('b', { id }, '–'), extra ?? '');

    this.bar = h('div', { class: 'bar' },
      bind(button('reset', ICON.reset, (m) => m.controls.reset), (m) => m.controls.resetTitle, 'title'),
      button('play', ICON.play, (m) => m.controls.play, 'primary'),
      bind(button('step', ICON.step, (m) => m.controls.step), (m) => m.controls.stepTitle, 'title'),
      stat('epoch', (m) => m.controls.epoch),
      stat('rate', (m) => m.controls.samplesPerSec, bind(h('small', { id: 'engine', class: 'engine' }), (m) => m.controls.engineTitle, 'title')),
      h('label', { class: 'field pace' }, label((m) => m.controls.pace), slider('pace', 0, PACES.length - 1, 1)),
      field((m) => m.controls.workers, select('workers', WORKER_CHOICES, (o, m) => (o === 'auto' ? m.controls.auto : o))),
      field((m) => m.controls.kernels, bind(select('kernels', KERNELS, (o, m) => (o === 'auto' ? m.controls.auto : o === 'js' ? 'JS' : 'WASM')), (m) => m.controls.kernelsTitle, 'title')),
      bind(button('copy-link', '', (m) => m.controls.copyLink), (m) => m.controls.copyLinkTitle, 'title'),
      field((m) => m.controls.language, select('lang', LANGS, (o) => (o === 'pl' ? 'Polski' : 'English'))),
      bind(button('download-onnx', '', (m) => m.exports.onnx), (m) => m.exports.onnxTitle, 'title'),
      bind(button('download-tfjs', '', (m) => m.exports.tfjs), (m) => m.exports.tfjsTitle, 'title'),
      h('p', { id: 'workers-why', class: 'why' }),
      h('span', { id: 'check', class: 'check' }, ''),
    );

    this.dataCol = h('div', { class: 'col data' },
      bind(h('h2'), (m) => m.controls.data),
      field((m) => m.controls.dataset, select('dataset', DATASETS, (o, m) => m.datasets[o as keyof Messages['datasets']])),
      field((m) => m.controls.classes, num('k', LIMITS.k[0], LIMITS.k[1], 1)),
      field((m) => m.controls.points, num('n', LIMITS.n[0], LIMITS.n[1], 50)),
      field((m) => m.controls.noise, slider('noise', 0, 50, 5)),
      field((m) => m.controls.trainPct, slider('train', 10, 90, 10)),
      field((m) => m.controls.batch, num('batch', LIMITS.batch[0], LIMITS.batch[1], 1)),
      field((m) => m.controls.seed, num('seed', 0, LIMITS.seed[1], 1)),
      h('div', { class: 'field' }, label((m) => m.controls.uploadCsv),
        h('label', { class: 'button file' }, bind(h('span'), (m) => m.controls.chooseFile), h('input', { id: 'csv', type: 'file', accept: '.csv,text/csv,text/plain' })),
        bind(h('small'), (m) => m.controls.csvHint)),
    );

    const featureBox = h('div', { class: 'features', id: 'features' },
      ...FEATURES.map((f) => h('label', { class: 'chip' }, h('input', { type: 'checkbox', value: f }), FEATURE_LABELS[f])));
    this.netControls = h('div', {},
      h('div', { class: 'row' },
        field((m) => m.controls.activation, select('activation', HIDDEN_ACTS)),
        field((m) => m.controls.output, select('output', OUTPUTS, (o, m) => m.outputs[o as keyof Messages['outputs']])),
        field((m) => m.controls.optimizer, select('optimizer', OPTIMIZERS)),
        field((m) => m.controls.lr, num('lr', LIMITS.lr[0], LIMITS.lr[1], 'any')),
        field(() => 'L1', num('l1', 0, 1, 'any')),
        field(() => 'L2', num('l2', 0, 1, 'any')),
      ),
      h('div', { class: 'row' }, bind(h('span', { class: 'lbl' }), (m) => m.controls.inputs), featureBox),
      h('div', { class: 'row layers' }, bind(h('span', { class: 'lbl' }), (m) => m.controls.hidden), h('span', { id: 'layer-editor' }),
        bind(h('button', { id: 'add-layer' }), (m) => m.controls.addLayer), bind(h('button', { id: 'remove-layer' }), (m) => m.controls.removeLayer)),
    );
    for (const root of [this.bar, this.dataCol, this.netControls]) for (const node of root.querySelectorAll<HTMLElement>('[id]')) this.el[node.id] = node;
    this.sync();
    this.wire();
  }

  private input(id: string): HTMLInputElement {
    return this.el[id] as HTMLInputElement;
  }

  /** Shows the state in the controls. */
  sync(): void {
    const s = this.state;
    const set = (id: string, v: string | number): void => void (this.input(id).value = String(v));
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
    set('lang', s.lang);
    set('pace', paceIndex(s.pace));
    this.showSliderValues();
    (this.el.workers as HTMLSelectElement).disabled = !this.isolated;
    (this.el.k.closest('label') as HTMLElement).hidden = !MULTICLASS.includes(s.dataset);
    for (const box of this.el.features.querySelectorAll<HTMLInputElement>('input')) box.checked = s.features.includes(box.value as never);
    const ed = this.el['layer-editor'];
    ed.replaceChildren(...s.hidden.map((n, i) => {
      const inp = bind(h('input', { type: 'number', min: 1, max: LIMITS.neurons, value: n, 'data-layer': i }), (m) => m.controls.layerTitle(i + 1), 'title');
      inp.addEventListener('change', () => {
        const v = Number(inp.value);
        if (!Number.isInteger(v) || v < 1 || v > LIMITS.neurons) {
          const raw = inp.value;
          this.on.problem((m) => m.controls.badLayer(LIMITS.neurons, raw));
          inp.value = String(this.state.hidden[i]);
          return;
        }
        this.state.hidden[i] = v;
        this.on.reset();
      });
      return inp;
    }));
  }

  /** Slider values next to the sliders, in the current language. */
  showSliderValues(m?: Messages): void {
    const s = this.state;
    this.el['noise-value'].textContent = `${s.noise}%`;
    this.el['train-value'].textContent = `${s.trainPct}%`;
    if (m) this.el['pace-value'].textContent = s.pace === Infinity ? m.controls.paceMax : m.controls.paceValue(s.pace);
  }

  private wire(): void {
    const s = this.state;
    const change = (id: string, fn: (v: string) => ((m: Messages) => string) | void): void => {
      this.el[id].addEventListener('change', () => {
        const problem = fn(this.input(id).value);
        if (problem) {
          this.on.problem(problem);
          this.sync();
          return;
        }
        for (const p of fixPairing(s)) this.on.problem((m) => m.problem(p));
        this.sync();
        this.on.reset();
      });
    };
    type NumKey = 'k' | 'n' | 'noise' | 'trainPct' | 'batch' | 'seed' | 'lr' | 'l1' | 'l2';
    const numberIn = (key: NumKey, lim: readonly [number, number], integer: boolean, what: (m: Messages) => string) => (v: string): ((m: Messages) => string) | void => {
      const x = Number(v);
      if (v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < lim[0] || x > lim[1]) {
        return (m) => m.controls.badNumber(what(m), integer, lim[0], lim[1], v);
      }
      s[key] = x;
    };
    change('dataset', (v) => void (s.dataset = v as PlayState['dataset']));
    change('k', numberIn('k', LIMITS.k, true, (m) => m.controls.classes));
    change('n', numberIn('n', LIMITS.n, true, (m) => m.controls.points));
    change('noise', numberIn('noise', LIMITS.noise, false, (m) => m.controls.noise));
    change('train', numberIn('trainPct', LIMITS.trainPct, false, (m) => m.controls.trainPct));
    change('batch', numberIn('batch', LIMITS.batch, true, (m) => m.controls.batch));
    change('seed', numberIn('seed', LIMITS.seed, true, (m) => m.controls.seed));
    change('lr', numberIn('lr', LIMITS.lr, false, (m) => m.controls.lr));
    change('l1', numberIn('l1', LIMITS.reg, false, () => 'L1'));
    change('l2', numberIn('l2', LIMITS.reg, false, () => 'L2'));
    change('activation', (v) => void (s.activation = v as PlayState['activation']));
    change('output', (v) => void (s.output = v as PlayState['output']));
    change('optimizer', (v) => void (s.optimizer = v as PlayState['optimizer']));
    change('kernels', (v) => void (s.kernels = v as PlayState['kernels']));
    for (const id of ['noise', 'train']) this.el[id].addEventListener('input', () => (this.el[`${id}-value`].textContent = `${this.input(id).value}%`));
    this.el.pace.addEventListener('input', () => {
      s.pace = PACES[Number(this.input('pace').value)] ?? s.pace;
      this.on.pace(s.pace);
    });
    this.el.features.addEventListener('change', () => {
      const on = [...this.el.features.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value);
      if (on.length === 0) {
        this.on.problem((m) => m.controls.needFeature);
        this.sync();
        return;
      }
      s.features = FEATURES.filter((f) => on.includes(f));
      this.on.reset();
    });
    this.el['add-layer'].addEventListener('click', () => {
      if (s.hidden.length >= LIMITS.layers) return this.on.problem((m) => m.controls.maxLayers(LIMITS.layers));
      s.hidden.push(s.hidden[s.hidden.length - 1] ?? 4);
      this.sync();
      this.on.reset();
    });
    this.el['remove-layer'].addEventListener('click', () => {
      if (s.hidden.length === 0) return;
      s.hidden.pop();
      this.sync();
      this.on.reset();
    });
    this.el.workers.addEventListener('change', () => {
      const v = this.input('workers').value;
      this.on.workers(v === 'auto' ? 'auto' : Number(v));
    });
    this.el.lang.addEventListener('change', () => this.on.lang(this.input('lang').value as Lang));
    this.el.play.addEventListener('click', () => this.on.play());
    this.el.step.addEventListener('click', () => this.on.step());
    this.el.reset.addEventListener('click', () => this.on.reset());
    this.el['copy-link'].addEventListener('click', () => this.on.copyLink());
    this.el['download-onnx'].addEventListener('click', () => this.on.exportModel('onnx'));
    this.el['download-tfjs'].addEventListener('click', () => this.on.exportModel('tfjs'));
    this.el.csv.addEventListener('change', () => {
      const input = this.input('csv');
      const file = input.files?.[0];
      input.value = '';
      if (file) this.on.csv(file);
    });
  }

  /** The Play button shows Pause while training runs. */
  setRunning(on: boolean): void {
    const b = this.el.play;
    b.innerHTML = on ? ICON.pause : ICON.play;
    b.append(' ', bind(h('span'), (m) => (on ? m.controls.pause : m.controls.play)));
  }
}
