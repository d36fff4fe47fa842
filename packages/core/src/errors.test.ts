// Bad input gets a typed error whose message names the problem and the fix.
import { describe, expect, it } from 'vitest';
import { dataset } from './dataset.js';
import { DataError, NumericError, ShapeError, isUserError, type BackpropError } from './errors.js';
import { Network, resolveSpec } from './network.js';
import { Trainer } from './trainer.js';

function caught(f: () => unknown): BackpropError {
  try {
    f();
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    return e as BackpropError;
  }
  throw new Error('expected an error');
}

async function caughtAsync(f: () => Promise<unknown>): Promise<BackpropError> {
  const e = await f().then(() => null, (x) => x);
  expect(isUserError(e)).toBe(true);
  return e as BackpropError;
}

describe('bad input', () => {
  const net = () => Network.create({ sizes: [2, 3, 2] }, { seed: 1 });
  const fit = (data: ReturnType<typeof dataset>, extra = {}) => new Trainer(net(), { epochs: 1, batchSize: 2, ...extra }).fit(data);

  it('unknown activation, loss, optimizer, initialiser names list the valid ones', () => {
    expect(caught(() => resolveSpec({ sizes: [2, 2], activation: 'relu6' as never })).message).toMatch(/unknown activation "relu6".*use one of sigmoid, tanh, relu/);
    expect(caught(() => resolveSpec({ sizes: [2, 2], output: 'softmax', loss: 'hinge' as never })).message).toMatch(/unknown loss "hinge"; use one of mse, cce, bce/);
    expect(caught(() => new Trainer(net(), { epochs: 1, batchSize: 1, optimizer: { name: 'rmsprop' } })).message).toMatch(/unknown optimizer "rmsprop"; use one of sgd, momentum, nesterov, adam/);
    expect(caught(() => Network.create({ sizes: [2, 2] }, { init: 'zeros' as never })).message).toMatch(/unknown initialiser "zeros"/);
  });

  it('softmax on a hidden layer, cross-entropy on unbounded outputs, and softmax over one unit are refused', () => {
    expect(caught(() => resolveSpec({ sizes: [2, 3, 2], activation: 'softmax' })).message).toMatch(/only for the output; layer 1 is hidden/);
    expect(caught(() => resolveSpec({ sizes: [2, 3, 2], output: 'linear', loss: 'cce' })).message).toMatch(/needs outputs in \(0, 1\); use output "softmax"/);
    expect(caught(() => resolveSpec({ sizes: [2, 1], output: 'softmax' })).message).toMatch(/use output "sigmoid" with loss "bce"/);
    expect(caught(() => resolveSpec({ sizes: [2] })).message).toMatch(/at least the input and output sizes/);
    expect(caught(() => resolveSpec({ sizes: [2, 0, 2] })).code).toBe('E_CONFIG');
  });

  it('non-positive learning rate, batch size or epochs name the setting and a value to try', () => {
    expect(caught(() => new Trainer(net(), { epochs: 1, batchSize: 2, optimizer: { lr: 0 } })).message).toMatch(/learning rate must be a positive number; got 0. Try 0.1/);
    expect(caught(() => new Trainer(net(), { epochs: 1, batchSize: -4 })).message).toMatch(/batch size must be an integer ≥ 1; got -4. Try 32/);
    expect(caught(() => new Trainer(net(), { epochs: 0, batchSize: 4 })).message).toMatch(/epochs must be an integer ≥ 1/);
    expect(caught(() => new Trainer(net(), { epochs: 1, batchSize: 4, validationSplit: 1 })).message).toMatch(/validation split must be in \[0, 1\)/);
  });

  it('data of the wrong width, wrong label width, empty data and NaN/Inf values are refused before training', async () => {
    const wide = await caughtAsync(() => fit(dataset(new Float32Array(6), new Float32Array(4), 3, 2)));
    expect(wide).toBeInstanceOf(ShapeError);
    expect(wide.message).toMatch(/3 features per row but the network's input layer has 2; set the first layer size to 3/);
    const labels = await caughtAsync(() => fit(dataset(new Float32Array(4), new Float32Array(6), 2, 3)));
    expect(labels.message).toMatch(/labels of width 3 but the network has 2 outputs/);
    const empty = await caughtAsync(() => fit(dataset(new Float32Array(0), new Float32Array(0), 2, 2)));
    expect(empty).toBeInstanceOf(DataError);
    expect(empty.message).toMatch(/empty/);
    const nan = await caughtAsync(() => fit(dataset(new Float32Array([0, 1, NaN, 2]), new Float32Array([1, 0, 0, 1]), 2, 2)));
    expect(nan).toBeInstanceOf(NumericError);
    expect(nan.message).toMatch(/training data inputs contain NaN at row 1, column 0/);
    const inf = await caughtAsync(() => fit(dataset(new Float32Array([0, 1, 1, 2]), new Float32Array([1, 0, 0, Infinity]), 2, 2)));
    expect(inf.message).toMatch(/targets contain Infinity at row 1, column 1/);
    expect(caught(() => dataset(new Float32Array(5), new Float32Array(4), 2, 2)).message).toMatch(/not a whole number of rows/);
    expect(caught(() => dataset(new Float32Array(4), new Float32Array(6), 2, 2)).message).toMatch(/X has 2 rows but Y has 3 rows/);
  });

  it('a parameter vector of the wrong size or type is refused when attaching a network', () => {
    const spec = resolveSpec({ sizes: [2, 2] });
    expect(caught(() => new Network(spec, new Float32Array(5))).message).toMatch(/5 numbers but sizes 2-2 need 6/);
    expect(caught(() => new Network(spec, new Float64Array(6))).message).toMatch(/must be a Float32Array for dtype f32/);
  });
});
