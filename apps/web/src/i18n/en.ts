/**
 * English messages: the source catalogue. Its type is `Messages`; pl.ts must match it key for
 * key (the type checker enforces it). Functions take the numbers and names they show.
 */
import type { Expected, Problem } from '../state.js';
import type { WorkersReason } from '../workers.js';

const n0 = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const n1 = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pct = (x: number): string => `${n1(x * 100)}%`;
const plural = (n: number, one: string, many: string): string => `${n0(n)} ${n === 1 ? one : many}`;

function expected(e: Expected): string {
  switch (e.kind) {
    case 'oneOf': return `expected one of ${e.list.join(', ')}`;
    case 'integer': return `expected an integer from ${e.lo} to ${e.hi}`;
    case 'number': return `expected a number from ${e.lo} to ${e.hi}`;
    case 'pace': return `expected "max" or a number of epochs per second from ${e.lo} to ${e.hi}`;
    case 'features': return `features must be a comma list of ${e.list.join(', ')}`;
    case 'hidden': return `hidden layers must be up to ${e.layers} sizes from 1 to ${e.neurons}`;
  }
}

export const en = {
  app: {
    title: 'backprop — neural network playground',
    playgroundTab: 'Playground',
    digitsTab: 'Digits',
    isolated: (cores: number) => `cross-origin isolated · ${cores || '?'} cores`,
    notIsolated: 'not isolated · 1 worker',
    notIsolatedLong: 'This page is not cross-origin isolated (the server did not send COOP/COEP headers), so shared memory is off and training runs on 1 worker. See the README for the headers.',
    wentWrong: (what: string) => `Something went wrong: ${what}`,
  },
  messages: {
    dismiss: 'dismiss',
    dismissAll: 'Dismiss all',
  },
  problem: (p: Problem): string => {
    switch (p.kind) {
      case 'ignored': return `Ignored ${p.key}=${JSON.stringify(p.raw)}: ${expected(p.expected)}; using ${JSON.stringify(p.used)}.`;
      case 'regressionOutput': return `The ${p.dataset} dataset is regression: the output is now linear with mean squared error.`;
      case 'classOutput': return `${p.was} outputs do not give class probabilities: the output is now softmax with cross-entropy.`;
    }
  },
  workers: (r: WorkersReason): string => {
    switch (r.kind) {
      case 'chosen': return `${plural(r.n, 'worker', 'workers')}, as chosen.`;
      case 'notIsolated': return 'No shared memory on this page (not cross-origin isolated): 1 worker.';
      case 'tooSmall': return `Batch ${r.batch} is too small to split: 1 worker (splitting a batch costs more than its ${n0(r.work)} multiply-adds).`;
      case 'split': return `Batch ${r.batch} splits into ${r.shards} shards: ${r.n} workers on ${r.cores} cores.`;
    }
  },
  kernels: {
    unavailable: 'The link asks for WASM kernels, but this page cannot run them (it needs WebAssembly SIMD and cross-origin isolation); training on the JS kernels instead, so the weights differ from a WASM run.',
    // detail: core's selectBackend reason, a sentence that names the cause and ends with the fallback
    failed: (detail: string) => `WASM kernels not available: ${detail}.`,
  },
  datasets: {
    circle: 'Circle', xor: 'XOR', gauss: 'Gaussians', spiral: 'Spiral', kspirals: 'k spirals', blobs: 'k blobs', plane: 'Plane (regression)', multigauss: 'Multi-Gauss (regression)',
  },
  outputs: {
    softmax: 'softmax + cross-entropy', sigmoid: 'sigmoid + binary CE', linear: 'linear + MSE', tanh: 'tanh + MSE',
  },
  controls: {
    reset: 'Reset',
    resetTitle: 'Reset weights and data',
    play: 'Play',
    pause: 'Pause',
    step: 'Step',
    stepTitle: 'Train one epoch',
    epoch: 'Epoch',
    samplesPerSec: 'Samples/s',
    engineTitle: 'kernels · gradient workers',
    pace: 'Speed',
    paceValue: (p: number) => `${n0(p)} epochs/s`,
    paceMax: 'as fast as it goes',
    workers: 'Workers',
    workersCount: (n: number) => plural(n, 'worker', 'workers'),
    auto: 'auto',
    kernels: 'Kernels',
    kernelsTitle: 'auto: WASM SIMD when the page is cross-origin isolated, else JS. The two kernel families round differently, so the link names the choice.',
    copyLink: 'Copy link',
    copyLinkTitle: 'Copy a link that reproduces this run',
    language: 'Language',
    data: 'Data',
    dataset: 'Dataset',
    classes: 'Classes',
    points: 'Points',
    noise: 'Noise',
    trainPct: 'Training share',
    batch: 'Batch size',
    seed: 'Seed',
    uploadCsv: 'Upload CSV',
    chooseFile: 'Choose a file…',
    csvHint: 'rows: x1,x2,label',
    activation: 'Activation',
    output: 'Output / loss',
    optimizer: 'Optimizer',
    lr: 'Learning rate',
    inputs: 'Inputs',
    hidden: 'Hidden layers',
    addLayer: '+ layer',
    removeLayer: '− layer',
    layerTitle: (i: number) => `neurons in hidden layer ${i}`,
    badLayer: (max: number, raw: string) => `A layer needs 1 to ${max} neurons; "${raw}" was ignored.`,
    badNumber: (what: string, integer: boolean, lo: number, hi: number, raw: string) => `${what} must be ${integer ? 'an integer' : 'a number'} from ${lo} to ${hi}; "${raw}" was ignored.`,
    needFeature: 'The network needs at least one input feature.',
    maxLayers: (n: number) => `At most ${n} hidden layers.`,
    notIsolatedWorkers: (n: number) => `This page is not cross-origin isolated, so it trains on 1 worker instead of the ${n} in the link.`,
    checkSame: (kernels: string, checked: number, seen: number) => `✓ same weights as 1 worker on ${kernels} (${n0(checked)} of ${n0(seen)} batches checked, sampled so the check costs under 5% of the time)`,
    checkDiffer: (bad: number, checked: number) => `✗ ${n0(bad)} of ${n0(checked)} checked batches differ from 1 worker`,
  },
  playground: {
    network: 'Network',
    output: 'Output',
    diagramHint: 'Click a neuron or a link to explain it. Links: blue positive, orange negative, width = |w|.',
    boundaryTitle: 'Click a point to explain it',
    trainLoss: 'Train loss',
    testLoss: 'Test loss',
    trainAcc: 'Train acc.',
    testAcc: 'Test acc.',
    explainTab: 'Explain',
    lessonTab: 'Lesson',
    explainHint: 'Explain: click a neuron or a link in the network.',
    inputsLabel: 'inputs',
    outputLabel: 'output',
    layerLabel: (l: number, n: number) => `layer ${l} (${n})`,
    value: (v: string) => `value ${v}`,
    classN: (k: number) => `class ${k}`,
    sampleName: (i: number, u: string, v: string, what: string) => `training point #${i} at (${u}, ${v}), ${what}`,
    csvLoaded: (n: number, file: string, k: number) => `Loaded ${n0(n)} points from ${file} (${k} classes). Uploaded data is not part of the link.`,
    csvFailed: (detail: string) => `Could not read that CSV: ${detail}`,
    linkCopied: 'Link copied: it reproduces this run (kernels included).',
    copyThis: (link: string) => `Copy this link: ${link}`,
  },
  chart: {
    epoch: 'epoch',
    loss: 'loss',
    accuracy: 'accuracy',
    train: 'train',
    test: 'test',
  },
  explain: {
    sample: (name: string, y: string, loss: string, lossName: string) => `Sample: ${name}; target y = [${y}]; loss L = ${loss} (${lossName}).`,
    input: (name: string) => `Input ${name}`,
    inputText: (sup0: string) => `Inputs have no net, δ or weights; they feed x${sup0} = [1; a${sup0}].`,
    output: (k: number) => `output ${k}`,
    neuron: (l: number, k: number) => `layer ${l}, neuron ${k}`,
    weight: 'Weight',
    fromBias: 'the bias (x₀ = 1)',
    fromInput: (name: string) => `input ${name}`,
    fromNeuron: (j: number, l: number) => `neuron ${j} of layer ${l}`,
    leadingOne: '(the leading 1)',
    eq02: '(softmax with cross-entropy, eq. 0.2)',
    bceDelta: '(sigmoid with binary cross-entropy)',
    fromLoss: 'from the loss',
    clickLink: 'Click a link into this neuron to see ∂L/∂w = δ·x for that weight.',
    sgdUpdate: (w: string, g: string) => `SGD update Δ${w} = −η ${g}`,
    momentumRule: (mu: string, g: string, w: string) => `Momentum (μ = ${mu}): v ← μv + ${g};  Δ${w} = −η v`,
    momentumFirst: 'Momentum update, first step (v = 0)',
    nesterovRule: (mu: string, g: string, w: string) => `Nesterov (μ = ${mu}): v ← μv + ${g};  Δ${w} = −η (${g} + μv)`,
    nesterovFirst: 'Nesterov update, first step (v = 0)',
    adamRule: (g: string, w: string) => `Adam: m ← β₁m + (1−β₁)${g};  v ← β₂v + (1−β₂)${g}²;  Δ${w} = −η m̂ / (√v̂ + ε)`,
    adamFirst: (g: string) => `Adam update, first step (m̂ = ${g}, v̂ = ${g}²)`,
    later: (adam: boolean) => `Later steps use the running ${adam ? 'averages m, v' : 'velocity v'} kept by the training thread, over each batch's mean gradient (the Lesson tab shows them).`,
    plainStep: (w: string, name: string) => `the note's plain gradient-descent step −η ∂L/∂${w} (for comparison; not what ${name} applies)`,
  },
  lesson: {
    source: 'Network',
    modeTraining: 'the one being trained',
    modeOwn: 'my own 2-2-2 network',
    prev: 'Previous',
    next: 'Next',
    pickHard: 'Pick a hard sample',
    sampleLine: (name: string, epoch: number) => `Sample: ${name}, weights after epoch ${n0(epoch)}. Click a point in the output map to choose another.`,
    ownSample: 'Your network, your sample: change any number and every step is recomputed.',
    ownHint: 'Type the weights (row $k$ of $W^{[l]}$ is neuron $k$: bias first), the input $a^{[0]}$, the target $y$ and $\\eta$, then check each step by hand.',
    ownOutput: 'Output and loss',
    ownMse: 'σ + squared error (0.1)',
    ownCce: 'softmax + cross-entropy (0.2)',
    phase: { forward: 'Forward', loss: 'Loss', backward: 'Backward', update: 'Update' },
    forwardTitle: (l: number, L: number) => (l === L ? `layer ${l}, the output` : `layer ${l}`),
    forwardText: (l: number, L: number, phi: string) => `Put a 1 in front of $a^{[${l - 1}]}$ to get $x^{[${l - 1}]}$ (the 1 multiplies the bias column 0 of $W^{[${l}]}$), multiply by $W^{[${l}]}$, then apply ${phi === 'softmax' ? 'softmax $\\psi$ to the whole vector' : `$\\varphi$ = ${phi} to each entry`}.${l === L ? ' This is the network\'s output.' : ''}`,
    lossTitle: 'the loss and the error at the output',
    lossMse: 'With the squared error, the derivative of the loss by the outputs is $a - y$, equation (0.1) of the note.',
    lossCce: 'With softmax and categorical cross-entropy the error at the output is $\\delta^{[L]} = (\\sum y)\\cdot a - y$, equation (0.2) of the note; it is $a - y$ when the targets sum to 1.',
    lossBce: 'Sigmoid outputs with binary cross-entropy (not in the note): $\\partial \\mathbf{L}/\\partial a$ as below; times $\\varphi\' = a(1-a)$ it gives $\\delta = a - y$.',
    fromEq: (eq: string) => `\\text{(from (${eq}))}`,
    backwardTitle: (l: number, L: number) => (l === L ? `layer ${l}, the output` : `layer ${l}`),
    backwardText: (l: number) => `$\\delta^{[${l}]}$ is $\\partial \\mathbf{L}/\\partial a^{[${l}]}$ times $\\varphi'(\\mathrm{net}^{[${l}]})$ entry by entry; the gradient of $W^{[${l}]}$ is $\\delta^{[${l}]}$ times $x^{[${l - 1}]}$ transposed; $(W^{[${l}]})^T\\delta^{[${l}]}$ without its element 0 (the bias input) is $\\partial \\mathbf{L}/\\partial a^{[${l - 1}]}$, where the next step starts.`,
    backwardOutput02: (l: number) => `Here $\\delta^{[${l}]}$ is (0.2) from the previous step: no $\\varphi'$ factor. The gradient of $W^{[${l}]}$ is $\\delta^{[${l}]}$ times $x^{[${l - 1}]}$ transposed, and $(W^{[${l}]})^T\\delta^{[${l}]}$ without element 0 is $\\partial \\mathbf{L}/\\partial a^{[${l - 1}]}$.`,
    backwardFirst: 'The first layer: its weight gradient is $\\delta^{[1]}$ times $x^{[0]} = [1; a^{[0]}]$ transposed. Nothing flows further back: the inputs have no weights.',
    updateTitle: (l: number, opt: string) => `layer ${l}, ${opt}`,
    updateText: (opt: string, t: number) => `The step ${opt} would take on this sample alone (training uses each batch's mean gradient). ${opt === 'sgd' ? 'Plain gradient descent, as in the note.' : `Its state after ${n0(t)} steps comes from the training thread.`}`,
  },
  exports: {
    onnx: 'Download ONNX',
    onnxTitle: 'The network as an .onnx file (opset 17) for onnxruntime in the browser, Node, Python or on phones',
    tfjs: 'Download TF.js',
    tfjsTitle: 'The network as a TensorFlow.js layers model: model .json and its .weights.bin (tf.loadLayersModel reads them side by side)',
    failed: (detail: string) => `Could not export the network: ${detail}`,
  },
  upload: {
    empty: (name: string) => `${name} is empty.`,
    tooLarge: (name: string, size: number, max: number) => `${name} is ${n0(size)} bytes, over the ${n0(max)}-byte limit.`,
    featureColumns: (name: string, n: number, list: string) => `${name} has ${plural(n, 'feature column', 'feature columns')} (${list}); the playground needs exactly 2 (x1, x2) plus a label.`,
    classes: (name: string, k: number) => `${name} has ${plural(k, 'class', 'classes')}; the playground shows 2 to 8.`,
    rows: (name: string, n: number, max: number) => `${name} has ${plural(n, 'data row', 'data rows')}; give 4 to ${n0(max)}.`,
    notDigits: (name: string, shape: string, out: string) => `${name} is a ${shape} network with ${out} outputs; the digit demo needs 784 inputs and 10 softmax outputs.`,
  },
  digits: {
    title: 'Train on 10,000 real digits',
    hidden: 'Hidden layers',
    hiddenTitle: 'comma-separated sizes, e.g. 64 or 128,64',
    epochs: 'Epochs',
    batch: 'Batch',
    train: 'Train',
    download: 'Download model (.bpnn)',
    load: 'Load model',
    notTrained: 'Not trained yet. 8,000 digits train, 2,000 test.',
    loading: 'Loading the digits…',
    training: (shape: string, n: number, kernels: string) => `Training ${shape} on ${n0(n)} digits with ${kernels} kernels…`,
    progress: (epoch: number, epochs: number, rate: number, kernels: string, workers: number, acc: number | null) =>
      `Epoch ${epoch} of ${epochs} · ${n0(rate)} samples/s · ${kernels} · ${plural(workers, 'worker', 'workers')}${acc !== null ? ` · test accuracy ${pct(acc)}` : ''}`,
    done: (acc: number, nTest: number, epochs: number, secs: number, kernels: string, workers: number) =>
      `Test accuracy ${pct(acc)} on ${n0(nTest)} held-out digits (${plural(epochs, 'epoch', 'epochs')}, ${n1(secs)} s, ${kernels} · ${plural(workers, 'worker', 'workers')}). Draw a digit →`,
    failed: 'Training failed; see the message above.',
    badHidden: 'Hidden layers must be sizes from 1 to 1024 separated by commas, e.g. "64" or "128,64".',
    badEpochs: 'Epochs must be an integer from 1 to 50.',
    badBatch: 'Batch must be an integer from 1 to 1024.',
    results: 'Test results',
    confusion: 'Confusion matrix',
    confusionHint: 'Rows: true digit; columns: predicted. Click a cell to see its digits.',
    trueVsPred: 'true \\ predicted',
    cellTitle: (n: number, t: number, p: number) => `${plural(n, 'digit', 'digits')} ${t} predicted as ${p}`,
    perClass: 'Accuracy per digit',
    mistakes: (n: number, total: number) => `Misclassified test digits: ${n0(n)} of ${n0(total)}`,
    cellGallery: (n: number, t: number, p: number) => `${plural(n, 'test digit', 'test digits')} ${t} predicted as ${p}`,
    firstN: (n: number) => `(the first ${n})`,
    thumbLabel: (t: number, p: number) => (t === p ? `${t}` : `${t} → ${p}`),
    draw: 'Draw a digit',
    clear: 'Clear',
    seesTitle: 'what the network sees (28×28)',
    looksLike: (d: number, p: number) => `It looks like a ${d} (${Math.round(p * 100)}%)`,
    nothingToSave: 'Train or load a model first, then download it.',
    hashLabel: 'Model hash:',
    sameBits: 'same bits as the CLI:',
    sameBitsTitle: 'This command trains a model with exactly these weights (the same SHA-256) with the backprop CLI in Node. The page cannot run the CLI itself: a browser test trains this tab in Chromium, runs the command it shows and compares the hashes, for float32 weights on the kernels the command names (WASM or JS; the two families round differently) and any worker count. `backprop info digits.bpnn` prints the hash of a model file.',
    hashOfFile: (file: string) => `(loaded from ${file}; \`backprop info ${file}\` prints the same hash)`,
    loaded: (file: string, shape: string) => `Loaded ${file}: ${shape}. Draw a digit →`,
    loadFailed: (file: string, detail: string) => `Could not load ${file}: ${detail}`,
  },
};
