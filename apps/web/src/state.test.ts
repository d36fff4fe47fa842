import { BACKEND_CHOICES, HIDDEN_ACTIVATIONS, OPTIMIZERS } from '@backprop/core';
import { SYNTHETIC_SETS } from '@backprop/data';
import { describe, expect, test } from 'vitest';
import { en } from './i18n/en.js';
import {
  DATASET_SOURCE, DEFAULT_STATE, HIDDEN_ACTS, KERNELS, decodeState, defaultState, encodeState, fixPairing, layerSizes, outputSize, pinnedState, resolveKernels, sameState,
} from './state.js';

const texts = (q: string): string[] => decodeState(q).problems.map(en.problem);

describe('URL state', () => {
  test('a state round-trips through its query string', () => {
    const s = defaultState();
    s.dataset = 'kspirals';
    s.k = 5;
    s.hidden = [16, 3, 9, 1, 30, 30, 2]; // beyond the classic playground's limits
    s.features = ['x1', 'sinx2'];
    s.lr = 0.0025;
    s.l2 = 0.001;
    s.seed = 1234567;
    s.workers = 4;
    s.kernels = 'wasm';
    s.pace = 120;
    s.lang = 'pl';
    s.panel = 'lesson';
    const q = encodeState(s);
    const back = decodeState(q);
    expect(back.problems).toEqual([]);
    expect(back.state).toEqual(s);
    expect(encodeState(back.state)).toBe(q);
  });

  test('the defaults are the TensorFlow Playground\'s: x₁ and x₂ only, a small tanh network, lr 0.03, batch 10, a watchable pace', () => {
    const s = defaultState();
    expect(s.features).toEqual(['x1', 'x2']);
    expect(s.hidden).toEqual([4, 2]);
    expect(s.activation).toBe('tanh');
    expect(s.lr).toBe(0.03);
    expect(s.batch).toBe(10);
    expect(s.pace).toBe(30);
    expect(s.workers).toBe('auto');
  });

  test('pace is in the link: a number of epochs per second, or max', () => {
    expect(decodeState('pace=max').state.pace).toBe(Infinity);
    expect(encodeState({ ...defaultState(), pace: Infinity })).toContain('pace=max');
    expect(decodeState('pace=2.5').state.pace).toBe(2.5);
    expect(texts('pace=fast')).toEqual(['Ignored pace="fast": expected "max" or a number of epochs per second from 0.1 to 100000; using "30".']);
    expect(decodeState('pace=0').problems).toHaveLength(1);
  });

  test('language and workers=auto are in the link', () => {
    expect(decodeState('lang=pl').state.lang).toBe('pl');
    expect(decodeState('', 'pl').state.lang).toBe('pl'); // no lang in the link: the browser's
    expect(texts('lang=de')[0]).toContain('expected one of en, pl');
    expect(decodeState('w=auto').state.workers).toBe('auto');
    expect(decodeState('w=2').state.workers).toBe(2);
    expect(decodeState('w=9').state.workers).toBe('auto');
  });

  test('links keep commas readable and accept a leading "?"', () => {
    const q = encodeState({ ...defaultState(), hidden: [8, 8, 6] });
    expect(q).toContain('h=8,8,6');
    expect(decodeState(`?${q}`).state.hidden).toEqual([8, 8, 6]);
  });

  test('an empty query is the default state', () => {
    expect(decodeState('')).toEqual({ state: defaultState(), problems: [] });
  });

  test('zero hidden layers is allowed', () => {
    const { state, problems } = decodeState('h=');
    expect(problems).toEqual([]);
    expect(state.hidden).toEqual([]);
    expect(layerSizes(state)).toEqual([2, 2]);
  });

  test('nonsense values fall back to defaults, one problem each', () => {
    const { state, problems } = decodeState('ds=banana&lr=-3&h=8,x,99999&w=zzz&noise=<script>&batch=2.5&f=x1,nope&act=softmax&seed=1e40&k=1');
    expect(state).toEqual(defaultState());
    expect(problems).toHaveLength(10);
    const t = problems.map(en.problem);
    expect(t[0]).toBe('Ignored ds="banana": expected one of circle, xor, gauss, spiral, kspirals, blobs, plane, multigauss; using "circle".');
    expect(t.join('\n')).toContain('Ignored lr="-3"');
    expect(t.join('\n')).toContain('Ignored act="softmax"');
  });

  test('extreme inputs are bounded', () => {
    expect(decodeState('h=' + Array(11).fill(4).join(',')).problems).toHaveLength(1);
    expect(decodeState('lr=Infinity').problems).toHaveLength(1);
    expect(decodeState('lr=0').state.lr).toBe(DEFAULT_STATE.lr);
    expect(texts('n=' + '9'.repeat(500))[0]).toContain('…');
    expect(decodeState('n= ').problems).toHaveLength(1);
  });

  test('duplicated or reordered features are made canonical', () => {
    expect(decodeState('f=sinx1,x1,x1').state.features).toEqual(['x1', 'sinx1']);
  });

  test('output and task are paired', () => {
    const reg = decodeState('ds=plane&out=softmax');
    expect(reg.state.output).toBe('linear');
    expect(en.problem(reg.problems[0])).toContain('regression');
    const cls = decodeState('ds=xor&out=tanh');
    expect(cls.state.output).toBe('softmax');
    expect(fixPairing(defaultState())).toEqual([]);
  });

  test('output width follows classes and output layer', () => {
    const s = defaultState();
    expect(outputSize(s)).toBe(2); // softmax, 2 classes
    s.output = 'sigmoid';
    expect(outputSize(s)).toBe(1);
    s.dataset = 'blobs';
    s.k = 4;
    expect(outputSize(s)).toBe(4);
    s.dataset = 'multigauss';
    s.output = 'linear';
    expect(outputSize(s)).toBe(1);
  });

  test('name lists are core\'s and data\'s, not copies', () => {
    expect(HIDDEN_ACTS).toBe(HIDDEN_ACTIVATIONS);
    expect(KERNELS).toBe(BACKEND_CHOICES);
    expect(decodeState('opt=' + OPTIMIZERS.at(-1)).state.optimizer).toBe(OPTIMIZERS.at(-1));
    expect([...Object.values(DATASET_SOURCE)].sort()).toEqual([...SYNTHETIC_SETS].sort()); // every data set has a URL name
  });
});

describe('kernels in the URL state', () => {
  test('every choice round-trips, and the link names it', () => {
    for (const k of ['auto', 'js', 'wasm'] as const) {
      const s = defaultState();
      s.kernels = k;
      const q = encodeState(s);
      expect(q).toContain(`kernels=${k}`);
      expect(decodeState(q)).toEqual({ state: s, problems: [] });
    }
  });

  test('links from before the pace, language and panel controls get their defaults', () => {
    const q = 'ds=spiral&n=400&noise=0&train=50&batch=10&f=x1,x2&h=8&act=tanh&out=softmax&opt=adam&lr=0.03&l1=0&l2=0&seed=1&w=2';
    const { state, problems } = decodeState(q);
    expect(problems).toEqual([]);
    expect(state.kernels).toBe('auto');
    expect(encodeState(state)).toBe(`${q}&kernels=auto&pace=30&lang=en`);
  });

  test('different kernels are different runs (different bits)', () => {
    expect(sameState(defaultState(), { ...defaultState(), kernels: 'js' })).toBe(false);
  });

  test('an unknown kernel family falls back to auto with a message', () => {
    const { state, problems } = decodeState('kernels=gpu');
    expect(state.kernels).toBe('auto');
    expect(problems.map(en.problem)).toEqual(['Ignored kernels="gpu": expected one of auto, js, wasm; using "auto".']);
  });

  test('auto resolves to wasm only where it can run; a requested wasm that cannot run says so', () => {
    expect(resolveKernels('auto', true)).toEqual({ used: 'wasm', fellBack: false });
    expect(resolveKernels('auto', false)).toEqual({ used: 'js', fellBack: false });
    expect(resolveKernels('js', true)).toEqual({ used: 'js', fellBack: false });
    expect(resolveKernels('wasm', true)).toEqual({ used: 'wasm', fellBack: false });
    expect(resolveKernels('wasm', false)).toEqual({ used: 'js', fellBack: true });
  });

  test('a copied link pins auto to the kernels that ran, and leaves explicit choices alone', () => {
    const s = defaultState();
    expect(pinnedState(s, 'wasm').kernels).toBe('wasm');
    expect(pinnedState(s, 'js').kernels).toBe('js');
    expect(s.kernels).toBe('auto'); // not mutated
    const js = { ...defaultState(), kernels: 'js' as const };
    expect(pinnedState(js, 'js')).toEqual(js);
    const wasm = { ...defaultState(), kernels: 'wasm' as const };
    expect(pinnedState(wasm, 'js').kernels).toBe('wasm'); // the link keeps asking for wasm
  });
});
