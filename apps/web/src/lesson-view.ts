/**
 * The lesson panel: the steps of lesson.ts typeset with KaTeX, Previous/Next, the step's layer
 * highlighted in the diagram, and a second source: the student's own 2-2-2 network whose
 * weights, sample and learning rate they type in, to check the arithmetic by hand.
 */
import { Network, type ActivationName } from '@backprop/core';
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { bind, t, type Messages } from './i18n/index.js';
import { lessonSteps, type LessonOptimizer, type LessonStep } from './lesson.js';
import { h } from './messages.js';

/** What the playground hands the lesson for its own network: the net, the sample and the optimizer. */
export interface LessonSource {
  net: Network;
  x0: number[];
  y: number[];
  opt: LessonOptimizer;
  /** One line naming the sample, in the current language. */
  sample: string;
}

/** The student's 2-2-2 network: W^[1], W^[2] (2×3 each, bias in column 0), the sample and η. */
export interface OwnNetwork {
  W1: number[][];
  W2: number[][];
  x: number[];
  y: number[];
  phi: 'sigmoid' | 'tanh';
  output: 'sigmoid-mse' | 'softmax-cce';
  lr: number;
}

export const DEFAULT_OWN: OwnNetwork = {
  W1: [[0.1, 0.4, -0.2], [-0.3, 0.2, 0.5]],
  W2: [[0.2, -0.5, 0.3], [0.1, 0.6, -0.4]],
  x: [1, 0.5],
  y: [1, 0],
  phi: 'sigmoid',
  output: 'sigmoid-mse',
  lr: 0.5,
};

/** The own network as a core Network (float64, the reference path's precision). */
export function ownNetwork(o: OwnNetwork): Network {
  const output: ActivationName = o.output === 'softmax-cce' ? 'softmax' : 'sigmoid';
  const net = new Network({ sizes: [2, 2, 2], activations: [o.phi, output], loss: o.output === 'softmax-cce' ? 'cce' : 'mse', dtype: 'f64' });
  net.params.set([...o.W1.flat(), ...o.W2.flat()]);
  return net;
}

/** Text with inline math between $…$, typeset by KaTeX (the rest stays plain text). */
export function richText(el: HTMLElement, text: string): HTMLElement {
  const parts = text.split('$');
  el.replaceChildren(...parts.map((p, i) => {
    if (i % 2 === 0) return document.createTextNode(p);
    const span = document.createElement('span');
    katex.render(p, span, { throwOnError: false });
    return span;
  }));
  return el;
}

export class LessonView {
  readonly el: HTMLElement;
  private step = 0;
  private mode: 'training' | 'own' = 'training';
  own: OwnNetwork = structuredClone(DEFAULT_OWN);
  private steps: LessonStep[] = [];
  private readonly body: HTMLElement;
  private readonly ownBox: HTMLElement;
  private readonly counter: HTMLElement;
  private readonly sampleLine: HTMLElement;
  private lastKey = '';
  private readonly hint = h('p', { class: 'hint' });

  constructor(private readonly onLayer: (layer: number | null) => void, private readonly onNewSample: () => void) {
    const modeSel = h('select', { id: 'lesson-mode' });
    const opt = (value: string, label: (m: Messages) => string): HTMLOptionElement => bind(h('option', { value }), label);
    modeSel.append(opt('training', (m) => m.lesson.modeTraining), opt('own', (m) => m.lesson.modeOwn));
    modeSel.addEventListener('change', () => {
      this.mode = modeSel.value as 'training' | 'own';
      this.ownBox.hidden = this.mode !== 'own';
      this.step = 0;
      this.lastKey = '';
      this.onNewSample();
    });
    const prev = bind(h('button', { id: 'lesson-prev' }), (m) => `◀ ${m.lesson.prev}`);
    const next = bind(h('button', { id: 'lesson-next' }), (m) => `${m.lesson.next} ▶`);
    prev.addEventListener('click', () => this.go(this.step - 1));
    next.addEventListener('click', () => this.go(this.step + 1));
    this.counter = h('span', { id: 'lesson-counter', class: 'counter' });
    this.sampleLine = h('p', { id: 'lesson-sample', class: 'sample' });
    const hard = bind(h('button', { id: 'lesson-hard' }), (m) => m.lesson.pickHard);
    hard.addEventListener('click', () => {
      this.lastKey = '';
      this.onNewSample();
    });
    this.ownBox = this.buildOwn();
    this.ownBox.hidden = true;
    this.body = h('div', { id: 'lesson-body', class: 'lesson-body' });
    this.el = h('div', { id: 'lesson', class: 'lesson' },
      h('div', { class: 'row' }, h('label', { class: 'field inline' }, bind(h('span'), (m) => m.lesson.source), modeSel), hard),
      this.sampleLine,
      this.ownBox,
      h('div', { class: 'row nav' }, prev, this.counter, next),
      this.body,
    );
  }

  get isOwn(): boolean {
    return this.mode === 'own';
  }

  get current(): LessonStep | null {
    return this.steps[this.step] ?? null;
  }

  private buildOwn(): HTMLElement {
    const cell = (get: () => number, set: (v: number) => void, title: string): HTMLInputElement => {
      const inp = h('input', { type: 'number', step: 'any', value: get(), title, class: 'cell' });
      inp.addEventListener('input', () => {
        const v = Number(inp.value);
        if (inp.value.trim() === '' || !Number.isFinite(v)) return void inp.classList.add('bad');
        inp.classList.remove('bad');
        set(v);
        this.lastKey = '';
        this.onNewSample();
      });
      return inp;
    };
    const matrix = (name: string, W: number[][]): HTMLElement => h('div', { class: 'matrix' }, h('span', { class: 'mname' }, `${name} =`),
      h('div', { class: 'mgrid' }, ...W.flatMap((row, k) => row.map((_, j) => cell(() => W[k][j], (v) => void (W[k][j] = v), `${name}[${k + 1},${j}]`)))));
    const vec = (name: string, x: number[]): HTMLElement => h('div', { class: 'matrix' }, h('span', { class: 'mname' }, `${name} =`),
      h('div', { class: 'mgrid col' }, ...x.map((_, i) => cell(() => x[i], (v) => void (x[i] = v), `${name}${i + 1}`))));
    const phiSel = h('select', { id: 'own-phi' }, h('option', { value: 'sigmoid' }, 'σ (sigmoid)'), h('option', { value: 'tanh' }, 'tanh'));
    phiSel.value = this.own.phi;
    phiSel.addEventListener('change', () => {
      this.own.phi = phiSel.value as OwnNetwork['phi'];
      this.lastKey = '';
      this.onNewSample();
    });
    const outSel = h('select', { id: 'own-output' });
    outSel.append(bind(h('option', { value: 'sigmoid-mse' }), (m) => m.lesson.ownMse), bind(h('option', { value: 'softmax-cce' }), (m) => m.lesson.ownCce));
    outSel.value = this.own.output;
    outSel.addEventListener('change', () => {
      this.own.output = outSel.value as OwnNetwork['output'];
      this.lastKey = '';
      this.onNewSample();
    });
    const o = this.own;
    return h('div', { id: 'lesson-own', class: 'own' },
      this.hint,
      h('div', { class: 'own-grid' }, matrix('W^[1]', o.W1), matrix('W^[2]', o.W2), vec('a^[0]', o.x), vec('y', o.y)),
      h('div', { class: 'row' },
        h('label', { class: 'field inline' }, h('span', {}, 'φ'), phiSel),
        h('label', { class: 'field inline' }, bind(h('span'), (m) => m.lesson.ownOutput), outSel),
        h('label', { class: 'field inline' }, h('span', {}, 'η'), cell(() => o.lr, (v) => void (o.lr = v), 'η'))),
    );
  }

  /** The source the own network gives (SGD, no state). */
  ownSource(m: Messages): LessonSource {
    const o = this.own;
    return {
      net: ownNetwork(o), x0: [...o.x], y: [...o.y], sample: m.lesson.ownSample,
      opt: { name: 'sgd', lr: o.lr, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, l1: 0, l2: 0, t: 0, vectors: {} },
    };
  }

  /** Recomputes the steps from `src` and shows the current one (skipped when nothing changed). */
  update(src: LessonSource, key: string): void {
    const m = t();
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.steps = lessonSteps(src.net, src.x0, src.y, src.opt, m);
    this.step = Math.min(this.step, this.steps.length - 1);
    this.sampleLine.textContent = src.sample;
    richText(this.hint, m.lesson.ownHint);
    this.show();
  }

  /** Forces the next update to redraw (language switch). */
  invalidate(): void {
    this.lastKey = '';
  }

  private go(i: number): void {
    if (i < 0 || i >= this.steps.length) return;
    this.step = i;
    this.show();
  }

  private show(): void {
    const s = this.steps[this.step];
    if (!s) return;
    this.counter.textContent = `${this.step + 1} / ${this.steps.length}`;
    const eqs = s.tex.map((tex) => h('div', { class: 'eq' }));
    s.tex.forEach((tex, i) => katex.render(tex, eqs[i], { displayMode: true, throwOnError: false, output: 'htmlAndMathml' }));
    const phase = t().lesson.phase[s.phase];
    const box = h('div', { class: `lesson-step ${s.phase}`, 'data-step': s.id, 'data-values': JSON.stringify(s.values) },
      h('h3', {}, h('span', { class: 'phase' }, phase), ' ', s.title),
      richText(h('p'), s.text),
      ...eqs);
    this.body.replaceChildren(box);
    this.onLayer(this.mode === 'training' ? s.layer : null);
  }
}
