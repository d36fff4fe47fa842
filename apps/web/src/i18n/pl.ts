/**
 * Polskie komunikaty. Typ `Messages` (z en.ts) wymusza komplet kluczy; notacja jak w notatce:
 * W^[l], x^[l] = [1; a^[l]], net^[l], δ^[l], funkcja kosztu L, wzory (0.1) i (0.2).
 */
import type { Expected, Problem } from '../state.js';
import type { WorkersReason } from '../workers.js';
import type { Messages } from './index.js';

const n0 = (x: number): string => x.toLocaleString('pl-PL', { maximumFractionDigits: 0 });
const n1 = (x: number): string => x.toLocaleString('pl-PL', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pct = (x: number): string => `${n1(x * 100)}%`;
/** Polish plural: 1 wątek, 2–4 wątki (22–24, …), 5+ wątków (and 12–14). */
function plural(n: number, one: string, few: string, many: string): string {
  const form = new Intl.PluralRules('pl-PL').select(n);
  return `${n0(n)} ${form === 'one' ? one : form === 'few' ? few : many}`;
}
const workersPl = (n: number): string => plural(n, 'wątek', 'wątki', 'wątków');

function expected(e: Expected): string {
  switch (e.kind) {
    case 'oneOf': return `oczekiwano jednej z wartości ${e.list.join(', ')}`;
    case 'integer': return `oczekiwano liczby całkowitej od ${e.lo} do ${e.hi}`;
    case 'number': return `oczekiwano liczby od ${e.lo} do ${e.hi}`;
    case 'pace': return `oczekiwano „max” albo liczby epok na sekundę od ${e.lo} do ${e.hi}`;
    case 'features': return `cechy to lista rozdzielona przecinkami, z wartościami ${e.list.join(', ')}`;
    case 'hidden': return `warstw ukrytych może być najwyżej ${e.layers}, każda z 1 do ${e.neurons} neuronów`;
  }
}

export const pl: Messages = {
  app: {
    title: 'backprop — plac zabaw sieci neuronowych',
    playgroundTab: 'Plac zabaw',
    digitsTab: 'Cyfry',
    isolated: (cores: number) => `izolacja międzydomenowa · rdzenie: ${cores || '?'}`,
    notIsolated: 'brak izolacji · 1 wątek',
    notIsolatedLong: 'Ta strona nie jest izolowana międzydomenowo (serwer nie wysłał nagłówków COOP/COEP), więc pamięć współdzielona jest wyłączona i trening działa na 1 wątku. Nagłówki opisuje README.',
    wentWrong: (what: string) => `Coś poszło nie tak: ${what}`,
  },
  messages: {
    dismiss: 'zamknij',
    dismissAll: 'Zamknij wszystkie',
  },
  problem: (p: Problem): string => {
    switch (p.kind) {
      case 'ignored': return `Pominięto ${p.key}=${JSON.stringify(p.raw)}: ${expected(p.expected)}; użyto ${JSON.stringify(p.used)}.`;
      case 'regressionOutput': return `Zbiór ${p.dataset} to regresja: wyjście jest teraz liniowe, z błędem średniokwadratowym.`;
      case 'classOutput': return `Wyjście ${p.was} nie daje prawdopodobieństw klas: wyjście to teraz softmax z entropią krzyżową.`;
    }
  },
  workers: (r: WorkersReason): string => {
    switch (r.kind) {
      case 'chosen': return `${workersPl(r.n)}, zgodnie z wyborem.`;
      case 'notIsolated': return 'Na tej stronie nie ma pamięci współdzielonej (brak izolacji międzydomenowej): 1 wątek.';
      case 'tooSmall': return `Partia ${r.batch} jest za mała, by ją dzielić: 1 wątek (podział kosztuje więcej niż jej ${n0(r.work)} mnożeń z dodawaniem).`;
      case 'split': return `Partia ${r.batch} dzieli się na ${r.shards} części: ${workersPl(r.n)} na ${plural(r.cores, 'rdzeniu', 'rdzeniach', 'rdzeniach')}.`;
    }
  },
  kernels: {
    unavailable: 'Link prosi o jądra WASM, ale ta strona nie może ich uruchomić (potrzebuje WebAssembly SIMD i izolacji międzydomenowej); trening idzie na jądrach JS, więc wagi będą inne niż przy WASM.',
    failed: (detail: string) => `Jądra WASM są niedostępne (${detail}); trening idzie na jądrach JS.`,
  },
  datasets: {
    circle: 'Koło', xor: 'Alternatywa wykluczająca (XOR)', gauss: 'Dwa rozkłady Gaussa', spiral: 'Spirala', kspirals: 'k spiral', blobs: 'k skupisk', plane: 'Płaszczyzna (regresja)', multigauss: 'Wiele rozkładów Gaussa (regresja)',
  },
  outputs: {
    softmax: 'softmax + entropia krzyżowa', sigmoid: 'sigmoida + binarna entropia krzyżowa', linear: 'liniowe + błąd kwadratowy', tanh: 'tanh + błąd kwadratowy',
  },
  controls: {
    reset: 'Od nowa',
    resetTitle: 'Nowe wagi i dane',
    play: 'Start',
    pause: 'Pauza',
    step: 'Krok',
    stepTitle: 'Trenuj jedną epokę',
    epoch: 'Epoka',
    samplesPerSec: 'Próbki/s',
    engineTitle: 'jądra · wątki liczące gradient',
    pace: 'Tempo',
    paceValue: (p: number) => `${n0(p)} epok/s`,
    paceMax: 'tak szybko, jak się da',
    workers: 'Wątki',
    workersCount: workersPl,
    auto: 'automatycznie',
    kernels: 'Jądra',
    kernelsTitle: 'automatycznie: WASM SIMD, gdy strona jest izolowana międzydomenowo, inaczej JS. Te dwie rodziny jąder zaokrąglają inaczej, więc link zapisuje wybór.',
    copyLink: 'Kopiuj link',
    copyLinkTitle: 'Kopiuj link, który odtwarza ten przebieg',
    language: 'Język',
    data: 'Dane',
    dataset: 'Zbiór danych',
    classes: 'Klasy',
    points: 'Punkty',
    noise: 'Szum',
    trainPct: 'Część treningowa',
    batch: 'Rozmiar partii',
    seed: 'Ziarno',
    uploadCsv: 'Wczytaj CSV',
    chooseFile: 'Wybierz plik…',
    csvHint: 'wiersze: x1,x2,etykieta',
    activation: 'Funkcja aktywacji',
    output: 'Wyjście / funkcja kosztu',
    optimizer: 'Optymalizator',
    lr: 'Współczynnik uczenia',
    inputs: 'Wejścia',
    hidden: 'Warstwy ukryte',
    addLayer: '+ warstwa',
    removeLayer: '− warstwa',
    layerTitle: (i: number) => `neurony w warstwie ukrytej ${i}`,
    badLayer: (max: number, raw: string) => `Warstwa musi mieć od 1 do ${max} neuronów; pominięto „${raw}”.`,
    badNumber: (what: string, integer: boolean, lo: number, hi: number, raw: string) => `${what}: potrzebna ${integer ? 'liczba całkowita' : 'liczba'} od ${lo} do ${hi}; pominięto „${raw}”.`,
    needFeature: 'Sieć potrzebuje co najmniej jednej cechy wejściowej.',
    maxLayers: (n: number) => `Najwyżej ${n} warstw ukrytych.`,
    notIsolatedWorkers: (n: number) => `Ta strona nie jest izolowana międzydomenowo, więc trening idzie na 1 wątku zamiast ${n} z linku.`,
    checkSame: (kernels: string, checked: number, seen: number) => `✓ te same wagi co na 1 wątku (${kernels}; sprawdzono ${n0(checked)} z ${n0(seen)} partii, wyrywkowo, by kontrola zajmowała mniej niż 5% czasu)`,
    checkDiffer: (bad: number, checked: number) => `✗ ${n0(bad)} z ${n0(checked)} sprawdzonych partii różni się od wyniku na 1 wątku`,
  },
  playground: {
    network: 'Sieć',
    output: 'Wyjście',
    diagramHint: 'Kliknij neuron albo połączenie, by zobaczyć objaśnienie. Połączenia: niebieskie dodatnie, pomarańczowe ujemne, grubość = |w|.',
    boundaryTitle: 'Kliknij punkt, by go objaśnić',
    trainLoss: 'Koszt (trening)',
    testLoss: 'Koszt (test)',
    trainAcc: 'Dokładność (trening)',
    testAcc: 'Dokładność (test)',
    explainTab: 'Objaśnienie',
    lessonTab: 'Lekcja',
    explainHint: 'Objaśnienie: kliknij neuron albo połączenie w sieci.',
    inputsLabel: 'wejścia',
    outputLabel: 'wyjście',
    layerLabel: (l: number, n: number) => `warstwa ${l} (${n})`,
    value: (v: string) => `wartość ${v}`,
    classN: (k: number) => `klasa ${k}`,
    sampleName: (i: number, u: string, v: string, what: string) => `punkt treningowy nr ${i} w (${u}; ${v}), ${what}`,
    csvLoaded: (n: number, file: string, k: number) => `Wczytano ${plural(n, 'punkt', 'punkty', 'punktów')} z ${file} (klasy: ${k}). Wczytane dane nie trafiają do linku.`,
    csvFailed: (detail: string) => `Nie udało się odczytać tego pliku CSV: ${detail}`,
    linkCopied: 'Skopiowano link: odtwarza ten przebieg (łącznie z jądrami).',
    copyThis: (link: string) => `Skopiuj ten link: ${link}`,
  },
  chart: {
    epoch: 'epoka',
    loss: 'koszt',
    accuracy: 'dokładność',
    train: 'treningowy',
    test: 'testowy',
  },
  explain: {
    sample: (name: string, y: string, loss: string, lossName: string) => `Próbka: ${name}; cel y = [${y}]; koszt L = ${loss} (${lossName}).`,
    input: (name: string) => `Wejście ${name}`,
    inputText: (sup0: string) => `Wejścia nie mają net, δ ani wag; tworzą x${sup0} = [1; a${sup0}].`,
    output: (k: number) => `wyjście ${k}`,
    neuron: (l: number, k: number) => `warstwa ${l}, neuron ${k}`,
    weight: 'Waga',
    fromBias: 'wyraz wolny (x₀ = 1)',
    fromInput: (name: string) => `wejście ${name}`,
    fromNeuron: (j: number, l: number) => `neuron ${j} warstwy ${l}`,
    leadingOne: '(dołączona jedynka)',
    eq02: '(softmax z entropią krzyżową, wzór 0.2)',
    bceDelta: '(sigmoida z binarną entropią krzyżową)',
    fromLoss: 'z funkcji kosztu',
    clickLink: 'Kliknij połączenie wchodzące do tego neuronu, by zobaczyć ∂L/∂w = δ·x dla tej wagi.',
    sgdUpdate: (w: string, g: string) => `Krok SGD Δ${w} = −η ${g}`,
    momentumRule: (mu: string, g: string, w: string) => `Momentum (μ = ${mu}): v ← μv + ${g};  Δ${w} = −η v`,
    momentumFirst: 'Krok momentum, pierwszy (v = 0)',
    nesterovRule: (mu: string, g: string, w: string) => `Nesterov (μ = ${mu}): v ← μv + ${g};  Δ${w} = −η (${g} + μv)`,
    nesterovFirst: 'Krok Nesterova, pierwszy (v = 0)',
    adamRule: (g: string, w: string) => `Adam: m ← β₁m + (1−β₁)${g};  v ← β₂v + (1−β₂)${g}²;  Δ${w} = −η m̂ / (√v̂ + ε)`,
    adamFirst: (g: string) => `Krok Adama, pierwszy (m̂ = ${g}, v̂ = ${g}²)`,
    later: (adam: boolean) => `Dalsze kroki używają ${adam ? 'średnich kroczących m, v' : 'prędkości v'} przechowywanych w wątku treningu, liczonych ze średniego gradientu partii (pokazuje je zakładka Lekcja).`,
    plainStep: (w: string, name: string) => `zwykły krok spadku gradientu z notatki −η ∂L/∂${w} (dla porównania; ${name} stosuje inny)`,
  },
  lesson: {
    source: 'Sieć',
    modeTraining: 'ta, która się uczy',
    modeOwn: 'moja własna sieć 2-2-2',
    prev: 'Wstecz',
    next: 'Dalej',
    pickHard: 'Wybierz trudną próbkę',
    sampleLine: (name: string, epoch: number) => `Próbka: ${name}; wagi po epoce ${n0(epoch)}. Kliknij punkt na mapie wyjścia, by wybrać inny.`,
    ownSample: 'Twoja sieć i twoja próbka: zmień dowolną liczbę, a każdy krok zostanie przeliczony.',
    ownHint: 'Wpisz wagi (wiersz $k$ macierzy $W^{[l]}$ to neuron $k$, najpierw wyraz wolny), wejście $a^{[0]}$, cel $y$ i $\\eta$, a potem sprawdź każdy krok ręcznie.',
    ownOutput: 'Wyjście i funkcja kosztu',
    ownMse: 'σ + błąd kwadratowy (0.1)',
    ownCce: 'softmax + entropia krzyżowa (0.2)',
    phase: { forward: 'Propagacja w przód', loss: 'Funkcja kosztu', backward: 'Propagacja wstecz', update: 'Aktualizacja wag' },
    forwardTitle: (l: number, L: number) => (l === L ? `warstwa ${l}, wyjście sieci` : `warstwa ${l}`),
    forwardText: (l: number, L: number, phi: string) => `Dołączamy jedynkę na początku $a^{[${l - 1}]}$ i dostajemy $x^{[${l - 1}]}$ (jedynka mnoży kolumnę 0 macierzy $W^{[${l}]}$, czyli wyrazy wolne), mnożymy przez $W^{[${l}]}$, a potem stosujemy ${phi === 'softmax' ? 'softmax $\\psi$ do całego wektora' : `$\\varphi$ = ${phi} do każdej współrzędnej`}.${l === L ? ' To jest wyjście sieci.' : ''}`,
    lossTitle: 'funkcja kosztu i błąd na wyjściu',
    lossMse: 'Dla kosztu kwadratowego pochodna funkcji kosztu po wyjściach to $a - y$, wzór (0.1) z notatki.',
    lossCce: 'Dla softmaksu z kategoryczną entropią krzyżową błąd na wyjściu to $\\delta^{[L]} = (\\sum y)\\cdot a - y$, wzór (0.2) z notatki; gdy cele sumują się do 1, jest to $a - y$.',
    lossBce: 'Wyjścia sigmoidalne z binarną entropią krzyżową (poza notatką): $\\partial \\mathbf{L}/\\partial a$ jak niżej; po pomnożeniu przez $\\varphi\' = a(1-a)$ daje $\\delta = a - y$.',
    fromEq: (eq: string) => `\\text{(ze wzoru (${eq}))}`,
    backwardTitle: (l: number, L: number) => (l === L ? `warstwa ${l}, wyjście sieci` : `warstwa ${l}`),
    backwardText: (l: number) => `$\\delta^{[${l}]}$ to $\\partial \\mathbf{L}/\\partial a^{[${l}]}$ razy $\\varphi'(\\mathrm{net}^{[${l}]})$, współrzędna po współrzędnej; gradient $W^{[${l}]}$ to $\\delta^{[${l}]}$ razy transponowane $x^{[${l - 1}]}$; $(W^{[${l}]})^T\\delta^{[${l}]}$ bez elementu 0 (wejścia wyrazu wolnego) to $\\partial \\mathbf{L}/\\partial a^{[${l - 1}]}$, od którego zaczyna się następny krok.`,
    backwardOutput02: (l: number) => `Tu $\\delta^{[${l}]}$ to wzór (0.2) z poprzedniego kroku: bez czynnika $\\varphi'$. Gradient $W^{[${l}]}$ to $\\delta^{[${l}]}$ razy transponowane $x^{[${l - 1}]}$, a $(W^{[${l}]})^T\\delta^{[${l}]}$ bez elementu 0 to $\\partial \\mathbf{L}/\\partial a^{[${l - 1}]}$.`,
    backwardFirst: 'Pierwsza warstwa: gradient jej wag to $\\delta^{[1]}$ razy transponowane $x^{[0]} = [1; a^{[0]}]$. Dalej nic nie płynie: wejścia nie mają wag.',
    updateTitle: (l: number, opt: string) => `warstwa ${l}, ${opt}`,
    updateText: (opt: string, t: number) => `Krok, który ${opt} zrobiłby dla samej tej próbki (trening używa średniego gradientu partii). ${opt === 'sgd' ? 'Zwykły spadek gradientu, jak w notatce.' : `Jego stan po ${plural(t, 'kroku', 'krokach', 'krokach')} pochodzi z wątku treningu.`}`,
  },
  exports: {
    onnx: 'Pobierz ONNX',
    onnxTitle: 'Sieć jako plik .onnx (opset 17) dla onnxruntime w przeglądarce, Node, Pythonie lub na telefonie',
    tfjs: 'Pobierz TF.js',
    tfjsTitle: 'Sieć jako model warstw TensorFlow.js: plik .json modelu i jego .weights.bin (tf.loadLayersModel czyta je z jednego katalogu)',
    failed: (detail: string) => `Nie udało się wyeksportować sieci: ${detail}`,
  },
  upload: {
    empty: (name: string) => `Plik ${name} jest pusty.`,
    tooLarge: (name: string, size: number, max: number) => `Plik ${name} ma ${n0(size)} B, więcej niż limit ${n0(max)} B.`,
    featureColumns: (name: string, n: number, list: string) => `Plik ${name} ma ${plural(n, 'kolumnę cech', 'kolumny cech', 'kolumn cech')} (${list}); plac zabaw potrzebuje dokładnie 2 (x1, x2) i etykiety.`,
    classes: (name: string, k: number) => `Plik ${name} ma ${plural(k, 'klasę', 'klasy', 'klas')}; plac zabaw pokazuje od 2 do 8.`,
    rows: (name: string, n: number, max: number) => `Plik ${name} ma ${plural(n, 'wiersz danych', 'wiersze danych', 'wierszy danych')}; potrzeba od 4 do ${n0(max)}.`,
    notDigits: (name: string, shape: string, out: string) => `${name} to sieć ${shape} z wyjściem ${out}; demo cyfr potrzebuje 784 wejść i 10 wyjść softmax.`,
  },
  digits: {
    title: 'Trening na 10 000 prawdziwych cyfr',
    hidden: 'Warstwy ukryte',
    hiddenTitle: 'rozmiary rozdzielone przecinkami, np. 64 albo 128,64',
    epochs: 'Epoki',
    batch: 'Partia',
    train: 'Trenuj',
    download: 'Pobierz model (.bpnn)',
    load: 'Wczytaj model',
    notTrained: 'Jeszcze bez treningu. 8000 cyfr do treningu, 2000 do testu.',
    loading: 'Wczytywanie cyfr…',
    training: (shape: string, n: number, kernels: string) => `Trening sieci ${shape} na ${n0(n)} cyfrach, jądra ${kernels}…`,
    progress: (epoch: number, epochs: number, rate: number, kernels: string, workers: number, acc: number | null) =>
      `Epoka ${epoch} z ${epochs} · ${n0(rate)} próbek/s · ${kernels} · ${workersPl(workers)}${acc !== null ? ` · dokładność na teście ${pct(acc)}` : ''}`,
    done: (acc: number, nTest: number, epochs: number, secs: number, kernels: string, workers: number) =>
      `Dokładność ${pct(acc)} na ${n0(nTest)} cyfrach testowych (${plural(epochs, 'epoka', 'epoki', 'epok')}, ${n1(secs)} s, ${kernels} · ${workersPl(workers)}). Narysuj cyfrę →`,
    failed: 'Trening się nie udał; szczegóły w komunikacie powyżej.',
    badHidden: 'Warstwy ukryte to rozmiary od 1 do 1024 rozdzielone przecinkami, np. „64” albo „128,64”.',
    badEpochs: 'Liczba epok musi być liczbą całkowitą od 1 do 50.',
    badBatch: 'Rozmiar partii musi być liczbą całkowitą od 1 do 1024.',
    results: 'Wyniki na zbiorze testowym',
    confusion: 'Macierz pomyłek',
    confusionHint: 'Wiersze: prawdziwa cyfra; kolumny: przewidziana. Kliknij komórkę, by zobaczyć jej cyfry.',
    trueVsPred: 'prawdziwa \\ przewidziana',
    cellTitle: (n: number, t: number, p: number) => `prawdziwa ${t}, przewidziana ${p}: ${plural(n, 'cyfra', 'cyfry', 'cyfr')}`,
    perClass: 'Dokładność dla każdej cyfry',
    mistakes: (n: number, total: number) => `Błędnie rozpoznane cyfry testowe: ${n0(n)} z ${n0(total)}`,
    cellGallery: (n: number, t: number, p: number) => `Cyfry testowe ${t} rozpoznane jako ${p}: ${n0(n)}`,
    firstN: (n: number) => `(pierwsze ${n})`,
    thumbLabel: (t: number, p: number) => (t === p ? `${t}` : `${t} → ${p}`),
    draw: 'Narysuj cyfrę',
    clear: 'Wyczyść',
    seesTitle: 'to, co widzi sieć (28×28)',
    looksLike: (d: number, p: number) => `To wygląda na ${d} (${Math.round(p * 100)}%)`,
    nothingToSave: 'Najpierw wytrenuj albo wczytaj model, potem go pobierz.',
    hashLabel: 'Skrót modelu:',
    sameBits: 'te same bity co CLI:',
    sameBitsTitle: 'To polecenie trenuje w CLI backprop (Node) model o dokładnie tych wagach (ten sam SHA-256). Strona sama nie uruchomi CLI: test przeglądarkowy trenuje tę kartę w Chromium, uruchamia pokazane polecenie i porównuje skróty — dla wag float32 na jądrach wskazanych w poleceniu (WASM albo JS; obie rodziny zaokrąglają inaczej) i dowolnej liczbie wątków. `backprop info digits.bpnn` wypisuje skrót pliku modelu.',
    hashOfFile: (file: string) => `(wczytany z ${file}; \`backprop info ${file}\` wypisuje ten sam skrót)`,
    loaded: (file: string, shape: string) => `Wczytano ${file}: ${shape}. Narysuj cyfrę →`,
    loadFailed: (file: string, detail: string) => `Nie udało się wczytać ${file}: ${detail}`,
  },
};
