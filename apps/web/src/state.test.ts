import { describe, expect, test } from 'vitest';
import { DEFAULT_STATE, decodeState, defaultState, encodeState, fixPairing, kernelsNote, layerSizes, outputSize, pinnedState, sameState } from './state.js';

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
    const q = encodeState(s);
    const back = decodeState(q);
    expect(back.problems).toEqual([]);
    expect(back.state).toEqual(s);
    expect(encodeState(back.state)).toBe(q);
  });

  test('links keep commas readable and accept a leading "?"', () => {
    const q = encodeState(defaultState());
    expect(q).toContain('h=8,8,6');
    expect(decodeState(`?${q}`).state).toEqual(defaultState());
  });

  test('an empty query is the default state', () => {
    expect(decodeState('')).toEqual({ state: defaultState(), problems: [] });
  });

  test('zero hidden layers is allowed', () => {
    const { state, problems } = decodeState('h=');
    expect(problems).toEqual([]);
    expect(state.hidden).toEqual([]);
    expect(layerSizes(state)).toEqual([7, 2]);
  });

  test('nonsense values fall back to defaults, one problem each', () => {
    const { state, problems } = decodeState('ds=banana&lr=-3&h=8,x,99999&w=zzz&noise=<script>&batch=2.5&f=x1,nope&act=softmax&seed=1e40&k=1');
    expect(state).toEqual(defaultState());
    expect(problems).toHaveLength(10);
    expect(problems[0]).toBe('Ignored ds="banana": expected one of circle, xor, gauss, spiral, kspirals, blobs, plane, multigauss; using "spiral".');
    expect(problems.join('\n')).toContain('Ignored lr="-3"');
    expect(problems.join('\n')).toContain('Ignored act="softmax"');
  });

  test('extreme inputs are bounded', () => {
    expect(decodeState('h=' + Array(11).fill(4).join(',')).problems).toHaveLength(1);
    expect(decodeState('lr=Infinity').problems).toHaveLength(1);
    expect(decodeState('lr=0').state.lr).toBe(DEFAULT_STATE.lr);
    expect(decodeState('n=' + '9'.repeat(500)).problems[0]).toContain('…');
    expect(decodeState('w=9').state.workers).toBe(1);
  });

  test('duplicated or reordered features are made canonical', () => {
    expect(decodeState('f=sinx1,x1,x1').state.features).toEqual(['x1', 'sinx1']);
  });

  test('output and task are paired', () => {
    const reg = decodeState('ds=plane&out=softmax');
    expect(reg.state.output).toBe('linear');
    expect(reg.problems[0]).toContain('regression');
    const cls = decodeState('ds=xor&out=tanh');
    expect(cls.state.output).toBe('softmax');
    const s = defaultState();
    expect(fixPairing(s)).toEqual([]);
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

  test('links from before the control default to auto', () => {
    const q = 'ds=spiral&n=400&noise=0&train=50&batch=10&f=x1,x2&h=8&act=tanh&out=softmax&opt=adam&lr=0.03&l1=0&l2=0&seed=1&w=2';
    const { state, problems } = decodeState(q);
    expect(problems).toEqual([]);
    expect(state.kernels).toBe('auto');
    expect(encodeState(state)).toBe(`${q}&kernels=auto`);
  });

  test('different kernels are different runs (different bits)', () => {
    const a = defaultState();
    const b = { ...defaultState(), kernels: 'js' as const };
    expect(sameState(a, b)).toBe(false);
  });

  test('an unknown kernel family falls back to auto with a message', () => {
    const { state, problems } = decodeState('kernels=gpu');
    expect(state.kernels).toBe('auto');
    expect(problems).toEqual(['Ignored kernels="gpu": expected one of auto, js, wasm; using "auto".']);
  });

  test('the kernels note: none when the choice ran; otherwise core\'s reason, and for a link that asked for wasm that the weights differ', () => {
    const reason = 'this page is not cross-origin isolated, so it cannot share WebAssembly memory (…); the JS kernels run instead';
    expect(kernelsNote('auto', 'wasm', 'WebAssembly SIMD and shared memory are available, so the WASM SIMD kernels run')).toBeNull();
    expect(kernelsNote('js', 'js', 'the JS kernels were asked for')).toBeNull();
    expect(kernelsNote('auto', 'js', reason)).toBe('This page is not cross-origin isolated, so it cannot share WebAssembly memory (…); the JS kernels run instead.');
    expect(kernelsNote('wasm', 'js', reason)).toBe(`The link asks for WASM kernels, but ${reason}, so the weights differ from a WASM run.`);
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
