/**
 * Deterministic elementary functions: exp, expm1, log, log1p, softplus, sigmoid, tanh, sin,
 * cos. Each is built from IEEE-754 basic operations only (+ − × ÷, sqrt, comparisons, and
 * reading or writing the bits of a double), never from the engine's Math.exp/log/…, whose last
 * bit differs between V8 versions, Firefox and Safari. Every conforming engine (and the WASM
 * kernels, which run exp and the f32 forms ported to assembly/math.ts operation for operation)
 * therefore returns the same bits, which is what makes a seeded training run give the same
 * weights in Node and in every browser. sigmoidF32, tanhF32 and softplusF32 are the forms for
 * results stored as f32 (< 1 f32 ulp after that rounding, for less work).
 *
 * Accuracy: < 1 ulp in f64 over the whole domain (measured in math.test.ts against mpmath at
 * 320 bits). The techniques are the textbook ones (Cody–Waite argument reduction with splits
 * whose products are exact, tables of 2^(j/128) and log(1 + j/128) in double-double, Taylor
 * polynomials on the reduced argument, Dekker's exact products where a result needs more than
 * 53 bits, and a BigInt Payne–Hanek reduction for |x| ≥ 2^19·π/2); the constants were derived
 * with mpmath for this file (scripts/math-constants.py prints every one).
 */

// ---- bits of a double (one shared scratch word; the platform's byte order) ----

const F = new Float64Array(1);
const U = new Uint32Array(F.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: the high word is U[1]
const LO = 1 - HI;

/** 2^n for an integer n in [−1022, 1023], exactly. */
function twoPow(n: number): number {
  U[HI] = (n + 1023) << 20;
  U[LO] = 0;
  return F[0];
}

/** P2[n + 1022] = 2^n for n in [−1022, 1023]: the hot paths scale by a load. */
const P2 = new Float64Array(2046);
for (let n = -1022; n <= 1023; n++) P2[n + 1022] = twoPow(n);

// Second results of the helpers below (a module-level `let` holding a double would be boxed on
// every write; a typed array slot is a plain store).
const S = new Float64Array(6);
const EL = 0; // S[EL]: low part of e^x (expParts)
const PE = 1; //  S[PE]: rounding error of the last twoProduct
const RL = 2; //  S[RL]: low part of the reduced argument (reducePio2)
const RH = 3; //  S[RH]: its high part
const EH = 5; //  S[EH]: high part of e^x (expParts)

/** y·2^n for an integer n in [−1075, 1024] (one rounding, only when the result is subnormal). */
function scale(y: number, n: number): number {
  if (n > 1023) return y * 2 * twoPow(n - 1);
  if (n < -1022) return y * twoPow(n + 600) * 2.409919865102884e-181; // second factor: 2^-600
  return y * P2[n + 1022];
}

/** 2^n for an integer n, exactly where representable (0 below 2^-1074, Infinity above 2^1023). */
export function pow2(n: number): number {
  if (n > 1023) return Infinity;
  if (n < -1074) return 0;
  return scale(1, n);
}

// ---- exact products without FMA (Dekker): a·b = P + PE exactly ----

const SPLIT = 134217729; // 2^27 + 1: splits a double into two halves of ≤ 26 bits

/** Returns fl(a·b) and leaves the rounding error a·b − fl(a·b) in S[PE]. |a|,|b| < 2^995. */
function twoProduct(a: number, b: number): number {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  S[PE] = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

// ---- e^x = (h + l)·2^m: the kernel shared by exp, expm1, sigmoid, softplus and tanh ----

const T_HI = new Float64Array([
  1.0, 1.0054299011128027, 1.0108892860517005, 1.016378314910953, 1.0218971486541166, 1.0274459491187637, 1.0330248790212284, 1.0386341019613787,
  1.0442737824274138, 1.0499440858006872, 1.0556451783605572, 1.061377227289262, 1.0671404006768237, 1.0729348675259756, 1.0787607977571199, 1.0846183622133092,
  1.0905077326652577, 1.0964290818163769, 1.102382583307841, 1.1083684117236787, 1.1143867425958924, 1.1204377524096067, 1.1265216186082418, 1.1326385195987192,
  1.1387886347566916, 1.1449721444318042, 1.1511892299529827, 1.1574400736337511, 1.1637248587775775, 1.1700437696832502, 1.1763969916502812, 1.182784710984341,
  1.189207115002721, 1.1956643920398273, 1.202156731452703, 1.2086843236265816, 1.215247359980469, 1.2218460329727576, 1.22848053610687, 1.2351510639369334,
  1.241857812073484, 1.2486009771892048, 1.255380757024691, 1.2621973503942507, 1.2690509571917332, 1.275941778396392, 1.2828700160787783, 1.2898358734066657,
  1.2968395546510096, 1.3038812651919358, 1.3109612115247644, 1.318079601266064, 1.3252366431597413, 1.3324325470831615, 1.339667524053303, 1.3469417862329458,
  1.3542555469368927, 1.3616090206382248, 1.3690024229745905, 1.3764359707545302, 1.383909881963832, 1.3914243757719262, 1.3989796725383112, 1.4065759938190154,
  1.4142135623730951, 1.4218926021691656, 1.42961333839197, 1.4373759974489824, 1.4451808069770467, 1.4530279958490526, 1.460917794180647, 1.4688504333369818,
  1.4768261459394993, 1.4848451658727524, 1.4929077282912648, 1.5010140696264256, 1.5091644275934228, 1.5173590411982147, 1.5255981507445384, 1.533881997840956,
  1.5422108254079407, 1.550584877685, 1.559004400237837, 1.567469639965553, 1.5759808451078865, 1.5845382652524937, 1.593142151342267, 1.6017927556826934,
  1.6104903319492543, 1.6192351351948637, 1.6280274218573478, 1.6368674497669644, 1.645755478153965, 1.6546917676561943, 1.6636765803267364, 1.6727101796415966,
  1.681792830507429, 1.6909247992693053, 1.7001063537185235, 1.709337763100463, 1.718619298122478, 1.7279512309618377, 1.7373338352737062, 1.746767386199169,
  1.7562521603732995, 1.7657884359332727, 1.7753764925265212, 1.785016611318935, 1.7947090750031072, 1.804454167806624, 1.8142521755003989, 1.8241033854070534,
  1.8340080864093424, 1.843966568958626, 1.8539791250833855, 1.864046048397789, 1.8741676341103, 1.8843441790323345, 1.8945759815869656, 1.9048633418176741,
  1.9152065613971474, 1.925605943636125, 1.9360617934922943, 1.9465744175792332, 1.9571441241754002, 1.9677712232331759, 1.978456026387951, 1.9891988469672663,
]);
const T_LO = new Float64Array([
  0.0, 9.499186535455032e-17, -1.5234778603368577e-17, -5.77217007319966e-17, 5.109225028973444e-17, -4.9560741746453704e-17, 7.600838874027088e-18, 5.996273788852511e-17,
  8.551889705537965e-17, 5.592937848127003e-17, 1.759325738772092e-18, -1.1973537085365658e-17, -7.899853966841582e-17, -3.839668843358824e-18, -6.656660436056593e-17, 3.166152845816346e-17,
  -3.046782079812471e-17, -5.919933484449316e-17, 5.2660368715706944e-17, -8.786813845180527e-17, 1.0410278456845571e-16, -6.201085906554179e-17, 5.165856758795457e-17, 3.237356166738e-17,
  8.912812676025408e-17, 4.6412898921700107e-17, 3.250710218863827e-17, -9.1238712311344e-17, 3.8292048369240935e-17, -1.8477442017900047e-18, 5.554203254218079e-17, 1.542975430079076e-17,
  3.982015231465646e-17, 4.6166036704814814e-17, 6.644981499252301e-17, -4.746725945228984e-17, -7.712630692681488e-17, -1.0611021211402691e-16, -1.89878163130253e-17, -1.0755244344307841e-16,
  4.658027591836937e-17, -8.261810999021964e-17, -6.7113898212968784e-18, -3.0844648874738465e-17, 2.667932131342186e-18, 9.91543024421429e-17, 1.713594918243561e-17, 8.949257530897592e-17,
  2.5382502794888315e-17, 8.647675598267871e-17, -7.181536135519454e-17, -5.4579558271491535e-17, -2.8587312100388614e-17, -5.101586630916744e-17, 8.927282594831732e-17, 3.224065101254679e-17,
  7.70094837980299e-17, 1.533787661270668e-18, 9.593797919118849e-17, -6.898588935871801e-17, -6.770511658794786e-17, -4.9061748652889893e-17, -9.614213209051323e-17, 7.034914812136422e-18,
  -9.667293313452913e-17, -1.6077828915890244e-17, -1.2031642489053655e-17, -4.2040340164675566e-17, -3.0237581349939873e-17, -5.779948609396106e-17, -5.600377186075216e-17, 8.465882756533628e-17,
  -3.483994556892796e-17, 1.0780086764407481e-16, 1.4192920154284036e-17, -6.413767275790235e-17, -1.016455327754295e-16, -4.308699472043341e-17, -1.1024941712342561e-16, 8.875226844438446e-17,
  7.949834809697621e-17, -1.4600706590689385e-17, 3.7812070533575275e-17, -1.0352061768849722e-16, -1.0136916471278304e-17, -1.9337717034585703e-17, -1.0094406542311964e-16, -6.054917453527784e-17,
  2.4707192569797888e-17, 2.0941334154229092e-17, -6.712955084707084e-17, 7.698325071319876e-17, -1.0125679913674773e-16, 9.643294303196029e-17, 5.8909926967131e-17, -5.476715964599563e-17,
  8.199010020581497e-17, -9.66967147439488e-17, -8.0237193703977e-18, -9.868779456632931e-17, -1.851380418263111e-17, -1.0750981861204642e-16, 3.164389299292957e-17, -1.0752290483507515e-16,
  2.960140695448873e-17, 9.461315018083268e-17, 6.429731796556572e-17, 1.5330400121031314e-17, 1.8227458427912087e-17, -5.177222408793318e-17, -9.969531538920349e-17, -1.0159627862277083e-16,
  3.283107224245627e-17, -5.939742026949965e-17, 9.761887490727594e-17, 6.540912680620572e-17, -6.122763413004143e-17, -8.226593125533711e-17, 3.4034035352165297e-17, 6.533857514718279e-17,
  -1.0619946056195963e-16, -9.914963769693741e-17, 1.0332385960676326e-16, 6.811022349533877e-17, 8.960767791036668e-17, -1.0314928011531132e-16, 4.0388753109278167e-17, 8.2051326383692e-18,
]);

const INV_LN2_128 = 184.6649652337873; // 128 / ln 2
const LN2_128_HI = 0.005415212347998022; // ln 2 / 128 to 34 bits: k·LN2_128_HI is exact for |k| < 2^19
const LN2_128_LO = 1.2655086083325438e-13; // ln 2 / 128 − LN2_128_HI
const SHIFTER = 6755399441055744; // 1.5·2^52: (x + SHIFTER) − SHIFTER rounds x to the nearest integer

/**
 * e^x for |x| < 746 as (S[EH] + S[EL])·2^m; returns m. |S[EL]| ≲ 2^-53·S[EH]. x = (128m + j)·ln2/128 + r,
 * |r| ≤ ln2/256, so e^x = 2^m · 2^(j/128) · e^r; e^r − 1 is a degree-5 Taylor polynomial
 * (truncation < 6·10^-19) and 2^(j/128) comes from the table in double-double.
 */
function expParts(x: number): number {
  const kf = x * INV_LN2_128 + SHIFTER - SHIFTER;
  const k = kf | 0;
  const r = x - kf * LN2_128_HI - kf * LN2_128_LO; // first difference exact (Sterbenz)
  const p = r + r * r * (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 + r * 0.008333333333333333)));
  const j = k & 127;
  const t = T_HI[j];
  const tl = T_LO[j];
  const q = t * p;
  const h = t + q;
  S[EH] = h;
  S[EL] = t - h + q + (tl + tl * p); // t − h + q: the exact error of t + q (|t| > |q|)
  return k >> 7;
}

/** e^x. */
export function exp(x: number): number {
  if (!(x <= 709.79)) return x > 0 ? Infinity : x; // overflow (or NaN)
  if (x < -745.14) return 0; // below half the least subnormal
  if (x < 2.7755575615628914e-17 && x > -2.7755575615628914e-17) return 1 + x; // |x| < 2^-55 (also ±0 → 1)
  const m = expParts(x);
  return scale(S[EH] + S[EL], m);
}

/** e^x − 1, accurate near 0. */
export function expm1(x: number): number {
  if (!(x <= 709.79)) return x > 0 ? Infinity : x;
  if (x > 40) return exp(x); // the −1 is below 1/32 ulp
  if (x < -38.5) return -1; // e^x < 2^-55
  const a = x < 0 ? -x : x;
  if (a < 0.35) {
    if (a < 2.7755575615628914e-17) return x; // also ±0
    // Taylor to x^14/14! (truncation < 2^-56 relative at |x| = 0.35)
    const z = x * x;
    const tail = x * (0.16666666666666666 + x * (0.041666666666666664 + x * (0.008333333333333333 + x * (0.001388888888888889 +
      x * (0.0001984126984126984 + x * (0.0000248015873015873 + x * (0.0000027557319223985893 + x * (2.755731922398589e-7 +
      x * (2.505210838544172e-8 + x * (2.08767569878681e-9 + x * (1.6059043836821613e-10 + x * (1.1470745597729725e-11))))))))))));
    return x + (0.5 * z + z * tail);
  }
  const s = P2[expParts(x) + 1022]; // |m| ≤ 58 here
  const h = S[EH] * s;
  const l = S[EL] * s;
  // (h − 1) + l with the error of h − 1 kept (TwoSum)
  const d = h - 1;
  const bb = d - h;
  const err = h - (d - bb) + (-1 - bb);
  return d + (err + l);
}

// ---- logarithms ----

const LN2_HI = 0.6931471805598903; // ln 2 as a multiple of 2^-42 (= LOGF_HI[128]): k·LN2_HI is exact for |k| < 2^11
const LN2_LO = 5.497923018708371e-14; // = LOGF_LO[128]
/** log(1 + j/128) = LOGF_HI[j] + LOGF_LO[j], the high part a multiple of 2^-42 (so k·ln2 + it is exact). */
const LOGF_HI = new Float64Array([
  0.0, 0.0077821404420319595, 0.015504186535963527, 0.023167059281604452, 0.03077165866670839, 0.03831886430202758,
  0.0458095360313564, 0.053244514518837605, 0.06062462181648698, 0.06795066190852594, 0.07522342123752424, 0.08244366921098845,
  0.08961215868976069, 0.09672962645845473, 0.10379679368156758, 0.11081436634026431, 0.11778303565643, 0.1247034785010328,
  0.13157635778861732, 0.13840232285906495, 0.14518200984457508, 0.15191604202573217, 0.15860503017665906, 0.16524957289539088,
  0.17185025692674571, 0.17840765747291698, 0.18492233849406148, 0.19139485299956505, 0.19782574332998593, 0.2042155414287663,
  0.21056476910735, 0.21687393830052315, 0.22314355131425145, 0.22937410106487732, 0.23556607131286, 0.2417199368871934,
  0.2478361639045943, 0.25391520998095984, 0.25995752443691345, 0.2659635484972114, 0.2719337154835557, 0.27786845100354185,
  0.28376817313073843, 0.28963329258294834, 0.2954642128938758, 0.3012613305781997, 0.30702503529482783, 0.31275571000378477,
  0.31845373111855224, 0.32411946865431673, 0.32975328637257917, 0.3353555419212171, 0.34092658697068146, 0.3464667673461008,
  0.35197642315711164, 0.35745588892177693, 0.3629054936893681, 0.36832556115859916, 0.37371640979358745, 0.3790783529350392,
  0.3844116989102986, 0.3897167511399857, 0.3949938082407698, 0.400243164127005, 0.40546510810827385, 0.4106599249853389,
  0.41582789514382057, 0.4209692946442374, 0.4260843953109088, 0.4311734648183574, 0.43623676677498224, 0.44127456080491356,
  0.4462871026285029, 0.4512746441394029, 0.4562374334816468, 0.4611757151221809, 0.46608972992453346, 0.47097971521884574,
  0.4758459048698569, 0.4806885293457981, 0.4855078157816024, 0.49030398804529796, 0.49507726679780717, 0.49982786955638403,
  0.504556010752367, 0.5092619017898414, 0.5139457511022556, 0.5186077642081273, 0.5232481437644765, 0.5278670896209405,
  0.5324647988695688, 0.5370414658968912, 0.5415972824328037, 0.5461324375980894, 0.5506471179526216, 0.5551415075406112,
  0.5596157879353996, 0.5640701382847055, 0.5685047353526897, 0.5729197535617914, 0.5773153650347922, 0.5816917396346071,
  0.5860490450036195, 0.590387446602108, 0.5947071077466717, 0.5990081896461561, 0.6032908514380324, 0.60755525022455,
  0.6118015411059332, 0.6160298772156239, 0.6202404097518865, 0.6244332880119146, 0.6286086594222979, 0.6327666695710832,
  0.6369074622371045, 0.6410311794209065, 0.6451379613736208, 0.6492279466251603, 0.6533012720126408, 0.6573580727083481,
  0.6613984822454313, 0.6654226325451873, 0.669430653942527, 0.6734226752121231, 0.6773988235918296, 0.6813592248079203,
  0.6853040030989632, 0.6892332812387849, 0.6931471805598903,
]);
const LOGF_LO = new Float64Array([
  0.0, 2.298941004620351e-14, 1.7274567499706107e-15, -7.007359704310036e-14, 4.529814257790929e-14, 1.0902154302203302e-13,
  -6.219834199475792e-14, -2.532168943117445e-14, -5.213620639136504e-14, -1.8195060030168815e-14, 6.329065958724544e-14, 8.614512936087814e-14,
  -7.355770219435029e-14, 9.638067658552277e-14, 7.598636597194141e-14, 2.5799991283069902e-14, -4.654729747598445e-14, -7.556920687451337e-14,
  1.0195735223708473e-13, 5.4183331379008994e-14, -7.718001336828099e-14, 1.0980754099855238e-13, -2.0472357800461955e-14, -8.372091099235912e-14,
  -8.649239607212071e-14, -9.86835038673495e-14, -4.9485167661250996e-14, 6.440856150696892e-14, -6.604544877082384e-14, -7.540916511956189e-14,
  -3.6507188831790577e-16, 9.120937249914984e-14, -4.169796584527195e-14, -3.149265065191484e-14, -9.30945949519689e-14, -4.8230289429940886e-14,
  -1.3029797173308663e-14, 3.600176732637335e-15, 1.2621729398885316e-14, -7.343591369867797e-14, 8.604306772808733e-14, -8.554360006566322e-14,
  -9.3834172236637e-14, 9.43339818951269e-14, -3.993416384387844e-14, -3.7923164802093147e-14, 8.403156304792425e-14, 1.1211800740360982e-13,
  -1.7625431312172662e-14, -1.0475750058776541e-13, -1.1118671389559323e-13, -7.925157831386559e-14, -8.82452633212564e-14, 1.077574303757264e-13,
  6.654491643324795e-14, 2.6842260285856373e-14, 3.6708569716349383e-16, 1.0849569622967912e-13, -3.364344013825529e-15, -6.976163770353771e-14,
  3.3457102695440824e-14, 3.949577025210288e-14, 9.91833135258394e-14, 7.704700781939649e-15, -1.094708713660664e-13, -7.048962392109747e-14,
  -1.096038879295399e-13, -1.0774341461609579e-13, -8.740242511072953e-15, 1.3952719470099252e-14, -6.417272878815711e-14, -3.833311659237546e-14,
  -8.33959316905439e-14, 5.570446208240774e-14, -5.920917613591147e-14, -1.0751747191236034e-14, 6.576659768580061e-14, -5.472776301858062e-14,
  1.0701931762114255e-13, -4.618021177882095e-14, 9.840465278232627e-14, -1.0411782738429337e-13, 4.4345101882815375e-14, 6.529967387578256e-14,
  2.8285798609067894e-14, -3.3484505394124983e-14, -2.1282306587209684e-14, -8.163212968915039e-14, 7.135550660118121e-14, -9.814765425298581e-14,
  -9.692338497370028e-14, -7.513519128981669e-15, -5.932339715744461e-14, 4.6268446390961235e-14, 4.0722790708884677e-14, -1.0960825046059278e-13,
  2.3119493838005378e-14, 9.743044627670371e-14, -2.1037482511444942e-14, -5.858154012642022e-15, 3.141040800504496e-14, 1.5407971189085674e-14,
  -4.1330880148108457e-14, 6.841763641591467e-14, 2.1107989157842298e-14, -7.269791502535129e-14, 5.185735530634183e-14, -8.24086314983113e-15,
  5.96926009653847e-14, -1.098359432543843e-13, -2.9016712553359663e-14, -2.1054639330643573e-14, 7.620483823189371e-14, -4.535501869967747e-14,
  -3.5250862624345324e-14, 2.4808209125196767e-14, -3.6081313604225574e-14, -5.043820835634491e-14, 1.04873006903857e-13, 1.191225671020557e-14,
  -6.628791790390747e-14, -9.684914196718108e-14, 1.022797779074162e-13, 4.365283048694148e-14, -2.342780363797907e-14, -1.725834561500917e-14,
  -4.380487462323098e-14, 2.4068631840528668e-14, 5.497923018708371e-14,
]);
/** 1/(1 + j/128), rounded (IEEE division: the same bits everywhere). */
const INV_F = new Float64Array(129);
for (let j = 0; j <= 128; j++) INV_F[j] = 1 / (1 + j / 128);

/**
 * log(1 + f) + c for |f| < 1/64 (f exact, c a tiny correction): with s = f/(2 + f),
 * log(1 + f) = 2 atanh(s) = f − f²/2 + s·(f²/2 + R), R = Σ 2s^{2n}/(2n+1), |s| < 1/127:
 * four terms leave < 2^-70.
 */
function logNear1(f: number, c: number): number {
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (0.6666666666666666 + z * (0.4 + z * (0.2857142857142857 + z * 0.2222222222222222)));
  const hfsq = 0.5 * f * f;
  return f - (hfsq - (s * (hfsq + R) + c));
}

/**
 * log(u) + cu for a positive finite u with |u − 1| ≥ 1/64 (cu a tiny correction): u = 2^k·m,
 * m in [1, 2), F = 1 + j/128 the table point nearest m, r = (m − F)/F (m − F exact, |r| ≤ 1/256),
 * log u = k·ln2 + log F + log1p(r); k·ln2 + log F is exact in the high parts, log1p(r) a
 * degree-7 Taylor polynomial (truncation < 2^-67).
 */
function logTable(u: number, cu: number): number {
  F[0] = u;
  let hw = U[HI]; // (reading the bits only: writing a word and reading the double back stalls store forwarding)
  let k = -1023;
  if (hw < 0x00100000) {
    u *= 18014398509481984; // 2^54: a subnormal becomes normal
    F[0] = u;
    hw = U[HI];
    k -= 54;
  }
  const e = (hw >>> 20) - 1023;
  k += hw >>> 20;
  const m = e < 1023 ? u * P2[1022 - e] : u * 0.5 * P2[0]; // m = u·2^-e in [1, 2), exactly
  const j = ((hw & 0x000fffff) + 0x1000) >>> 13; // round(128·(m − 1)) from the top mantissa bits: 0 … 128
  const r = (m - (1 + j * 0.0078125)) * INV_F[j];
  const p = r * r * (-0.5 + r * (0.3333333333333333 + r * (-0.25 + r * (0.2 + r * (-0.16666666666666666 + r * 0.14285714285714285)))));
  return k * LN2_HI + LOGF_HI[j] + (r + (p + (k * LN2_LO + LOGF_LO[j] + cu)));
}

/** Natural logarithm. */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN; // ±0 → −∞; x < 0 or NaN → NaN
  if (x === Infinity) return x;
  if (x > 0.984375 && x < 1.015625) return logNear1(x - 1, 0); // x − 1 exact (Sterbenz)
  return logTable(x, 0);
}

/** log(1 + x + xl) for a double-double argument (x > −1 finite, |xl| ≲ ulp(x)). */
function log1pParts(x: number, xl: number): number {
  if (x > -0.015625 && x < 0.015625) return logNear1(x, xl === 0 ? 0 : xl / (1 + x));
  const u = 1 + x;
  const c = (x < 1 ? 1 - u + x : x - u + 1) + xl; // the error of 1 + x (Fast2Sum: the larger first)
  return logTable(u, c / u);
}

/** log(1 + x), accurate near 0. */
export function log1p(x: number): number {
  if (!(x > -1)) return x === -1 ? -Infinity : NaN;
  if (x === Infinity) return x;
  if (x < 2.7755575615628914e-17 && x > -2.7755575615628914e-17) return x; // also ±0
  return log1pParts(x, 0);
}

// ---- the activations' functions ----

/** log(1 + e^x): log1p of e^x held in double-double (one rounding at the end, also for x > 0). */
export function softplus(x: number): number {
  if (x !== x) return x;
  if (x > 37) return x; // log1p(e^−x) < e^−37 < 2^-53: below half an ulp of x ≥ 37
  if (x < -700) return exp(x); // log1p(e) = e(1 − e/2 + …) with e < 2^-1000: rounds to e
  const s = P2[expParts(x) + 1022]; // m in [−1011, 54]
  return log1pParts(S[EH] * s, S[EL] * s);
}

/** σ(x) = 1/(1 + e^−x), the quotient taken in double-double (never overflows). */
export function sigmoid(x: number): number {
  if (x !== x) return x;
  if (x < -40) return exp(x); // σ(x) = e^x (1 − e^x + …) rounds to e^x
  if (x > 40) return 1;
  const s = P2[expParts(-x) + 1022];
  return recip1p(S[EH] * s, S[EL] * s);
}

/** 1/(1 + e + el) for e ≥ 0 to ≲ 0.5 ulp: D = 1 + e in double-double, q = 1/D_hi corrected once. */
function recip1p(e: number, el: number): number {
  const dh = 1 + e;
  const bb = dh - 1;
  const dl = 1 - (dh - bb) + (e - bb) + el;
  const q = 1 / dh;
  const p = twoProduct(q, dh);
  const r = 1 - p - S[PE]; // 1 − q·dh exactly (1 − p is exact: p ≈ 1)
  return q + q * (r - q * dl);
}

/** Hyperbolic tangent. */
export function tanh(x: number): number {
  if (x !== x) return x;
  const a = x < 0 ? -x : x;
  if (a > 22) return x > 0 ? 1 : -1; // 1 − tanh < 2^-63
  let t: number;
  if (a < 0.25) {
    if (a < 7.450580596923828e-9) return x; // |x| < 2^-27: x³/3 is below half an ulp (also ±0)
    // odd Taylor series to x^25 (truncation < 2^-57 relative at 0.25)
    const z = x * x;
    t = x + x * z * (-0.3333333333333333 + z * (0.13333333333333333 + z * (-0.05396825396825397 + z * (0.021869488536155203 +
      z * (-0.008863235529902197 + z * (0.003592128036572481 + z * (-0.0014558343870513183 + z * (0.000590027440945586 +
      z * (-0.00023912911424355248 + z * (0.00009691537956929451 + z * (-0.00003927832388331683 + z * 0.000015918905069328964)))))))))));
    return t;
  }
  // tanh a = 1 − 2/(e^2a + 1): e^2a and the quotient in double-double, then 1 − q by TwoSum
  const s = P2[expParts(2 * a) + 1022];
  const e = S[EH] * s;
  const el = S[EL] * s;
  const dh = 1 + e;
  const bb = dh - e;
  const dl = e - (dh - bb) + (1 - bb) + el;
  const q = 2 / dh;
  const p = twoProduct(q, dh);
  const ql = (2 - p - S[PE] - q * dl) / dh; // 2 − p is exact (p ≈ 2)
  const hsum = 1 - q;
  const b2 = hsum - 1;
  const err = 1 - (hsum - b2) + (-q - b2);
  t = hsum + (err - ql);
  return x < 0 ? -t : t;
}

// ---- the same activations for results rounded to f32 ----
// Where a result is stored as f32 (the f32 dtype: the JS table on Float32Array views, every WASM
// kernel), f32 rounding adds up to half an f32 ulp (2^-24 relative) whatever the f64 value was,
// so the double-double steps above buy nothing there: these forms compute the f64 value to
// < 2^-44 relative with plain IEEE operations (the same bits everywhere still) and skip them.
// After the one rounding to f32 they are within 0.5 + 2^-19 f32 ulp of the exact value
// (math.test.ts measures < 1 ulp); the f64 path keeps the functions above.

/**
 * e^x for −708 ≤ x ≤ 709 to < 2^-48 relative (callers clamp): expParts' reduction with a
 * degree-4 Taylor polynomial (truncation (ln2/256)^5/120 < 2^-49) and the table's high part only.
 */
function expF(x: number): number {
  const kf = x * INV_LN2_128 + SHIFTER - SHIFTER;
  const k = kf | 0;
  const r = x - kf * LN2_128_HI - kf * LN2_128_LO;
  const p = r * (1 + r * (0.5 + r * (0.16666666666666666 + r * 0.041666666666666664)));
  const t = T_HI[k & 127];
  return (t + t * p) * P2[(k >> 7) + 1022];
}

/**
 * σ(x) for a result rounded to f32 (also as the factor of a product rounded to f32):
 * 1/(1 + e^−x) in plain f64. Below −708, σ < 2^-1021 and any f32 times it rounds to 0.
 */
export function sigmoidF32(x: number): number {
  if (x !== x) return x;
  if (x > 40) return 1;
  if (x < -708) return 0;
  return 1 / (1 + expF(-x));
}

/**
 * tanh x for a result rounded to f32: 1 − 2/(e^2|x| + 1) in plain f64 (absolute error < 2^-50,
 * relative < 2^-40 for |x| ≥ 2^-10); below, x(1 − x²/3) (truncation 2x⁵/15: < 2^-42 relative).
 * Above 10, 1 − tanh < 2^-27 rounds to 1 in f32.
 */
export function tanhF32(x: number): number {
  if (x !== x) return x;
  const a = x < 0 ? -x : x;
  if (a > 10) return x > 0 ? 1 : -1;
  if (a < 0.0009765625) return x * (1 - x * x * 0.3333333333333333); // a product keeps the sign of ±0
  const t = 1 - 2 / (expF(2 * a) + 1);
  return x < 0 ? -t : t;
}

/**
 * log(1 + e^x) for a result rounded to f32: max(x, 0) + log1p(e), e = e^−|x| ≤ 1, with
 * log1p(e) = 2 atanh(s) = 2s(1 + s²/3 + s⁴/5 + …), s = e/(2 + e) ≤ 1/3: ten terms leave
 * < 2^-35 relative. Above 20 the log1p term is below 2^-30 x; below −708 e^x is below any f32.
 */
export function softplusF32(x: number): number {
  if (x !== x) return x;
  if (x > 20) return x;
  if (x < -708) return 0;
  const e = expF(x < 0 ? x : -x);
  const s = e / (2 + e);
  const z = s * s;
  const l = 2 * s + 2 * s * z * (0.3333333333333333 + z * (0.2 + z * (0.14285714285714285 + z * (0.1111111111111111 + z * (0.09090909090909091 +
    z * (0.07692307692307693 + z * (0.06666666666666667 + z * (0.058823529411764705 + z * (0.05263157894736842 + z * 0.047619047619047616)))))))));
  return x > 0 ? x + l : l;
}

// ---- sine and cosine ----

const INV_PIO2 = 0.6366197723675814; // 2/π
// π/2 = P1 + P2 + P3 + P4, the first three to 33 bits: n·Pi is exact for |n| < 2^20
const PIO2_1 = 1.5707963267341256;
const PIO2_2 = 6.077100506303966e-11;
const PIO2_3 = 2.0222662487111665e-21;
const PIO2_4 = 8.4784276603689e-32;
const PIO2_HI = 1.5707963267948966;
const PIO2_LO = 6.123233995736766e-17;
/** ⌊2/π · 2^1280⌋: the bits a huge argument's reduction multiplies by. */
const TWO_OVER_PI = BigInt(
  '0xa2f9836e4e441529fc2757d1f534ddc0db6295993c439041fe5163abdebbc561b7246e3a424dd2e006492eea09d1921cfe1deb1cb129a73ee88235f52ebb4484e99c7026b45f7e413991d639835339f49c845f8bbdf9283b1ff897ffde05980fef2f118b5a0a6d1f6d367ecf27cb09b74f463f669e5fea2d7527bac7ebe5f17b3d0739f78a5292ea6bfb5fb11f8d5d0856033046fc7b6babf0cfbc209af4361d',
);
const MASK130 = (1n << 130n) - 1n;
const TWO_M128 = 2.938735877055719e-39; // 2^-128

/** x = n·π/2 + (S[RH] + S[RL]), |S[RH] + S[RL]| ≲ π/4; returns n mod 4. */
function reducePio2(x: number): number {
  const a = x < 0 ? -x : x;
  if (a < 823549.6) {
    const nf = x * INV_PIO2 + SHIFTER - SHIFTER;
    const h1 = x - nf * PIO2_1; // exact: n·P1 is exact and within a factor 2 of x
    const t2 = nf * PIO2_2;
    const h2 = h1 - t2;
    let bb = h2 - h1;
    const e2 = h1 - (h2 - bb) + (-t2 - bb);
    const t3 = nf * PIO2_3;
    const h3 = h2 - t3;
    bb = h3 - h2;
    const e3 = h2 - (h3 - bb) + (-t3 - bb);
    const l = e2 + e3 - nf * PIO2_4;
    const rh = h3 + l;
    bb = rh - h3;
    S[RH] = rh;
    S[RL] = h3 - (rh - bb) + (l - bb);
    return nf & 3;
  }
  // Payne–Hanek on the integer mantissa: |x| = M·2^E, x·2/π mod 4 with 128 fractional bits
  F[0] = a;
  const hw = U[HI];
  const E = (hw >>> 20) - 1075;
  const M = (BigInt((hw & 0xfffff) | 0x100000) << 32n) | BigInt(U[LO]);
  const v = ((M * TWO_OVER_PI) >> BigInt(1280 - E - 128)) & MASK130;
  let n = Number(v >> 128n);
  let frac = v & ((1n << 128n) - 1n);
  if (frac >= 1n << 127n) {
    frac -= 1n << 128n;
    n += 1;
  }
  const fh = Number(frac);
  const fl = Number(frac - BigInt(fh)) * TWO_M128;
  const hh = fh * TWO_M128;
  // (hh + fl)·(π/2) in double-double
  const ph = twoProduct(hh, PIO2_HI);
  const pl = S[PE] + hh * PIO2_LO + fl * PIO2_HI;
  const rh = ph + pl;
  const rl = ph - rh + pl;
  S[RH] = x < 0 ? -rh : rh;
  S[RL] = x < 0 ? -rl : rl;
  if (x < 0) n = -n;
  return n & 3;
}

/** sin(r + rl) for |r| ≤ π/4: Taylor to r^19/19!, plus rl·cos r ≈ rl(1 − r²/2). */
function sinK(r: number, rl: number): number {
  const z = r * r;
  const v = z * r;
  const S = -0.16666666666666666 + z * (0.008333333333333333 + z * (-0.0001984126984126984 + z * (0.0000027557319223985893 +
    z * (-2.505210838544172e-8 + z * (1.6059043836821613e-10 + z * (-7.647163731819816e-13 + z * (2.8114572543455206e-15 + z * -8.22063524662433e-18)))))));
  return r + (v * S + (rl - 0.5 * z * rl));
}

/** cos(r + rl) for |r| ≤ π/4: 1 − r²/2 + r⁴·C(r²) with the rounding of 1 − r²/2 recovered, minus r·rl. */
function cosK(r: number, rl: number): number {
  const z = r * r;
  const C = 0.041666666666666664 + z * (-0.001388888888888889 + z * (0.0000248015873015873 + z * (-2.755731922398589e-7 +
    z * (2.08767569878681e-9 + z * (-1.1470745597729725e-11 + z * (4.779477332387385e-14 + z * -1.5619206968586225e-16))))));
  const hz = 0.5 * z;
  const w = 1 - hz;
  return w + (1 - w - hz + (z * z * C - r * rl));
}

/** Sine (radians). */
export function sin(x: number): number {
  if (x - x !== 0) return NaN; // ±∞, NaN
  const a = x < 0 ? -x : x;
  if (a < 7.450580596923828e-9) return x; // |x| < 2^-27 (also ±0)
  if (a <= 0.7853981633974483) return sinK(x, 0);
  const n = reducePio2(x);
  return n === 0 ? sinK(S[RH], S[RL]) : n === 1 ? cosK(S[RH], S[RL]) : n === 2 ? -sinK(S[RH], S[RL]) : -cosK(S[RH], S[RL]);
}

/** Cosine (radians). */
export function cos(x: number): number {
  if (x - x !== 0) return NaN;
  const a = x < 0 ? -x : x;
  if (a < 7.450580596923828e-9) return 1;
  if (a <= 0.7853981633974483) return cosK(x, 0);
  const n = reducePio2(x);
  return n === 0 ? cosK(S[RH], S[RL]) : n === 1 ? -sinK(S[RH], S[RL]) : n === 2 ? -cosK(S[RH], S[RL]) : sinK(S[RH], S[RL]);
}
