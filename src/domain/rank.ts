// Ranking a week's candidate papers the way the digest's editors would: a bag-of-words classifier
// (tf-idf + logistic regression) that learned from past editions what the editors pick, plus the
// day's popularity (HF upvotes or l-yohai votes). Pure: no I/O, no randomness, no clock; every
// function is deterministic for the same input (fixed epochs, learning rate and zero init).

/** A sparse vector: term → weight. */
export type SparseVector = Map<string, number>;

// ---------------------------------------------------------------------------------------------
// Tokenizer

/** A small English stop list: function words and the filler of paper titles and intros. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been but by can do does for from has have how in into is it its of on or ' +
    'our such than that the their them then there these they this those to under up via was we were ' +
    'what when which while who why will with without you your not no new all also more most using use ' +
    'based paper propose proposes proposed present presents presented show shows study approach method ' +
    'methods model models towards toward over'
  ).split(' '),
);

/** Lower-case words of at least two letters (Unicode letters; digits split words), stop words left out. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/\p{L}+/gu)) {
    const w = m[0];
    if (w.length >= 2 && !STOP_WORDS.has(w)) out.push(w);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// tf-idf

export interface TfidfModel {
  /** term → smoothed idf = ln((1 + N) / (1 + df)) + 1 */
  idf: Map<string, number>;
  documents: number;
}

/** Document frequency over the corpus (a term counts once per document) and the smoothed idf. */
export function fitTfidf(corpus: readonly string[][]): TfidfModel {
  const df = new Map<string, number>();
  for (const doc of corpus) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = corpus.length;
  const idf = new Map<string, number>();
  for (const [t, d] of df) idf.set(t, Math.log((1 + n) / (1 + d)) + 1);
  return { idf, documents: n };
}

/** Raw term counts × idf, L2-normalised; terms the corpus never saw are left out. */
export function tfidf(model: TfidfModel, tokens: readonly string[]): SparseVector {
  const tf = new Map<string, number>();
  for (const t of tokens) if (model.idf.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
  const v: SparseVector = new Map();
  let norm = 0;
  for (const [t, c] of tf) {
    const w = c * model.idf.get(t)!;
    v.set(t, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Logistic regression

export interface LogisticModel {
  weights: Map<string, number>;
  bias: number;
}

export interface TrainOptions {
  /** full passes of batch gradient descent; default 300 */
  epochs?: number;
  /** step size; default 2 (the vectors are L2-normalised, so the features are small) */
  learningRate?: number;
  /** L2 penalty on the weights (not the bias), per example; default 1e-4 */
  l2?: number;
  /** weigh the classes so each counts as half of the loss; default true */
  balanced?: boolean;
}

export interface Example {
  vector: SparseVector;
  /** 1 = picked by the editors, 0 = not */
  label: 0 | 1;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** The log-odds the model gives a vector. */
export function logit(model: LogisticModel, v: SparseVector): number {
  let z = model.bias;
  for (const [t, x] of v) z += (model.weights.get(t) ?? 0) * x;
  return z;
}

/** The probability that the editors pick the paper behind `v`. */
export function predict(model: LogisticModel, v: SparseVector): number {
  return sigmoid(logit(model, v));
}

/**
 * Plain batch gradient descent on the (optionally class-balanced) mean log-loss with an L2 penalty:
 * zero init, fixed epochs and step size, so the same examples always give the same model.
 */
export function trainLogistic(examples: readonly Example[], opts: TrainOptions = {}): LogisticModel {
  const epochs = opts.epochs ?? 300;
  const lr = opts.learningRate ?? 2;
  const l2 = opts.l2 ?? 1e-4;
  const balanced = opts.balanced ?? true;
  // dense index of the features, in first-seen order (deterministic for the same examples)
  const index = new Map<string, number>();
  const rows = examples.map((e) => {
    const idx: number[] = [];
    const val: number[] = [];
    for (const [t, x] of e.vector) {
      let i = index.get(t);
      if (i === undefined) index.set(t, (i = index.size));
      idx.push(i);
      val.push(x);
    }
    return { idx: Int32Array.from(idx), val: Float64Array.from(val), y: e.label };
  });
  const pos = examples.filter((e) => e.label === 1).length;
  const neg = examples.length - pos;
  const n = examples.length;
  const weightOf = (y: 0 | 1) => (!balanced || pos === 0 || neg === 0 ? 1 / n : y === 1 ? 0.5 / pos : 0.5 / neg);
  const w = new Float64Array(index.size);
  const grad = new Float64Array(index.size);
  let b = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    grad.fill(0);
    let gb = 0;
    for (const r of rows) {
      let z = b;
      for (let k = 0; k < r.idx.length; k++) z += w[r.idx[k]!]! * r.val[k]!;
      const err = (sigmoid(z) - r.y) * weightOf(r.y);
      gb += err;
      for (let k = 0; k < r.idx.length; k++) grad[r.idx[k]!]! += err * r.val[k]!;
    }
    for (let i = 0; i < w.length; i++) w[i]! -= lr * (grad[i]! + l2 * w[i]!);
    b -= lr * gb;
  }
  const weights = new Map<string, number>();
  for (const [t, i] of index) if (w[i] !== 0) weights.set(t, w[i]!);
  return { weights, bias: b };
}

// ---------------------------------------------------------------------------------------------
// Ranking

/** The text model: how a paper's text becomes a vector, and the classifier over those vectors. */
export interface RankModel {
  tfidf: TfidfModel;
  classifier: LogisticModel;
}

/** Fit tf-idf on the training texts and the classifier on their vectors. */
export function trainRankModel(docs: ReadonlyArray<{ text: string; label: 0 | 1 }>, opts: TrainOptions = {}): RankModel {
  const tokens = docs.map((d) => tokenize(d.text));
  const tf = fitTfidf(tokens);
  const classifier = trainLogistic(
    tokens.map((t, i) => ({ vector: tfidf(tf, t), label: docs[i]!.label })),
    opts,
  );
  return { tfidf: tf, classifier };
}

/** A model as JSON (for the store): terms with idf and weight, rounded to 6 significant digits. */
export function serializeRankModel(m: RankModel): string {
  const r = (x: number) => Number(x.toPrecision(6));
  return JSON.stringify({
    v: 1,
    documents: m.tfidf.documents,
    idf: [...m.tfidf.idf].map(([t, x]) => [t, r(x)]),
    bias: r(m.classifier.bias),
    weights: [...m.classifier.weights].map(([t, x]) => [t, r(x)]),
  });
}

/** Reads serializeRankModel's JSON; throws a plain Error naming what is wrong. */
export function parseRankModel(json: string): RankModel {
  const o = JSON.parse(json) as { v?: unknown; documents?: unknown; idf?: unknown; bias?: unknown; weights?: unknown };
  const pairs = (x: unknown, what: string) => {
    if (!Array.isArray(x) || x.some((p) => !Array.isArray(p) || typeof p[0] !== 'string' || typeof p[1] !== 'number')) throw new Error(`the stored ranking model's ${what} is not a list of [term, number]`);
    return new Map(x as Array<[string, number]>);
  };
  if (o.v !== 1) throw new Error(`the stored ranking model has version ${String(o.v)}, this paperboy reads version 1`);
  if (typeof o.documents !== 'number' || typeof o.bias !== 'number') throw new Error("the stored ranking model lacks its document count or bias");
  return { tfidf: { idf: pairs(o.idf, 'idf'), documents: o.documents }, classifier: { weights: pairs(o.weights, 'weights'), bias: o.bias } };
}

/** What ranking needs of a candidate (a CandidateRecord fits). */
export interface RankInput {
  arxivId: string | null;
  url: string;
  day: string;
  title: string;
  abstract: string | null;
  upvotes: number | null;
  comments?: number | null;
  githubStars?: number | null;
  /** when the paper was published (an ISO instant or day); the listing day stands in when absent */
  publishedAt?: string | null;
  /** topic slugs the candidate carries */
  topics?: readonly string[];
}

export interface RankWeights {
  similarity: number;
  popularity: number;
  recency: number;
  topicFit: number;
}

/**
 * Default weights. The similarity is a logit (typically within ±4 on these vectors); the other
 * signals lie in [0, 1]. A popularity weight of 3 lets the day's most upvoted paper gain about as
 * much as a strongly "editor-like" text, so neither drowns the other; recency and topic fit are
 * tie-breakers that keep old papers and papers off the digest's subjects down.
 */
export const DEFAULT_RANK_WEIGHTS: Readonly<RankWeights> = { similarity: 1, popularity: 3, recency: 0.5, topicFit: 1 };

/** Shares of the popularity signal: upvotes count most, discussion and code a little. */
const POPULARITY_PARTS = { upvotes: 0.7, comments: 0.15, githubStars: 0.15 } as const;
type PopularityPart = keyof typeof POPULARITY_PARTS;

/** Per day, the highest count of each popularity part among that day's candidates. */
export type DayMaxima = ReadonlyMap<string, Readonly<Record<PopularityPart, number>>>;

export interface RankOptions {
  /** null: no editions to learn from yet, similarity is 0 for every candidate */
  model: RankModel | null;
  /** per day, the highest counts; default: the maxima among the given candidates */
  dayMaxima?: DayMaxima;
  weights?: Partial<RankWeights>;
  /** the last day of the week being ranked (YYYY-MM-DD): papers published long before it lose recency */
  weekEnd?: string;
  /** per topic slug, the share of the digest's past entries that carry it */
  topicShare?: ReadonlyMap<string, number>;
}

export interface Signals {
  /** the classifier's logit on title + abstract: how much the text looks like the editors' past picks */
  similarity: number;
  /** in [0, 1]: log-scaled upvotes, comments and stars, each against the day's highest */
  popularity: number;
  /** in [0, 1]: 1 within a week of the week's end, then decaying with a 30-day scale */
  recency: number;
  /** in [0, 1]: the largest share of past entries among the candidate's topics */
  topicFit: number;
}

export type Ranked<T> = T &
  Signals & {
    rank: number;
    score: number;
    /** each signal's share of the score: weight × signal; they sum to `score` */
    contributions: Signals;
  };

/** The highest upvote, comment and star counts per day among the candidates. */
export function dayMaxima(candidates: ReadonlyArray<Pick<RankInput, 'day' | 'upvotes' | 'comments' | 'githubStars'>>): Map<string, Record<PopularityPart, number>> {
  const m = new Map<string, Record<PopularityPart, number>>();
  for (const c of candidates) {
    const had = m.get(c.day) ?? { upvotes: 0, comments: 0, githubStars: 0 };
    m.set(c.day, { upvotes: Math.max(had.upvotes, c.upvotes ?? 0), comments: Math.max(had.comments, c.comments ?? 0), githubStars: Math.max(had.githubStars, c.githubStars ?? 0) });
  }
  return m;
}

/** Popularity in [0, 1]; parts the day has no counts for (a source without comments) are left out of the mean. */
export function popularityOf(c: Pick<RankInput, 'upvotes' | 'comments' | 'githubStars'>, max: Readonly<Record<PopularityPart, number>> | undefined): number {
  if (!max) return 0;
  let sum = 0;
  let weight = 0;
  for (const part of Object.keys(POPULARITY_PARTS) as PopularityPart[]) {
    if (!(max[part] > 0)) continue;
    weight += POPULARITY_PARTS[part];
    sum += POPULARITY_PARTS[part] * (Math.log1p(c[part] ?? 0) / Math.log1p(max[part]));
  }
  return weight > 0 ? sum / weight : 0;
}

const DAY_MS = 86_400_000;
/** Recency in [0, 1]: 1 for a paper published up to 7 days before the week's end, then exp(−extra days / 30). */
export function recencyOf(c: Pick<RankInput, 'publishedAt' | 'day'>, weekEnd: string | undefined): number {
  if (!weekEnd) return 1;
  const published = Date.parse(c.publishedAt ?? `${c.day}T00:00:00Z`);
  if (!Number.isFinite(published)) return 1;
  const age = (Date.parse(`${weekEnd}T23:59:59Z`) - published) / DAY_MS;
  return age <= 7 ? 1 : Math.exp(-(age - 7) / 30);
}

/** Per topic, the share of the past entries (each given as its topic slugs) that carry it. */
export function topicShares(entries: ReadonlyArray<readonly string[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const slugs of entries) for (const t of new Set(slugs)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return new Map([...counts].map(([t, n]) => [t, n / entries.length]));
}

/** Topic fit in [0, 1]: the largest share of the digest's past entries among the candidate's topics. */
export function topicFitOf(c: Pick<RankInput, 'topics'>, share: ReadonlyMap<string, number> | undefined): number {
  if (!share || !c.topics?.length) return 0;
  return Math.max(0, ...c.topics.map((t) => share.get(t) ?? 0));
}

const tieKey = (c: Pick<RankInput, 'arxivId' | 'url'>) => c.arxivId ?? `~${c.url}`;
/** Ascending by arXiv id (papers without one after, by URL). */
export function compareTie(a: Pick<RankInput, 'arxivId' | 'url'>, b: Pick<RankInput, 'arxivId' | 'url'>): number {
  const x = tieKey(a);
  const y = tieKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The candidates, best first, each with its score and the contribution of each signal. */
export function rankCandidates<T extends RankInput>(candidates: readonly T[], opts: RankOptions): Array<Ranked<T>> {
  const weights = { ...DEFAULT_RANK_WEIGHTS, ...opts.weights };
  const maxima = opts.dayMaxima ?? dayMaxima(candidates);
  const scored = candidates.map((c) => {
    const signals: Signals = {
      similarity: opts.model ? logit(opts.model.classifier, tfidf(opts.model.tfidf, tokenize(`${c.title}\n${c.abstract ?? ''}`))) : 0,
      popularity: popularityOf(c, maxima.get(c.day)),
      recency: recencyOf(c, opts.weekEnd),
      topicFit: topicFitOf(c, opts.topicShare),
    };
    const contributions: Signals = {
      similarity: weights.similarity * signals.similarity,
      popularity: weights.popularity * signals.popularity,
      recency: weights.recency * signals.recency,
      topicFit: weights.topicFit * signals.topicFit,
    };
    const score = contributions.similarity + contributions.popularity + contributions.recency + contributions.topicFit;
    return { ...c, ...signals, rank: 0, score, contributions };
  });
  scored.sort((a, b) => b.score - a.score || compareTie(a, b));
  scored.forEach((s, i) => (s.rank = i + 1));
  return scored;
}
