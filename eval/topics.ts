// npm run eval:topics — how far the rule tagger (src/domain/topics.ts) agrees with an independent
// labelling: the keyword tags of monologg/nlp-arxiv-daily (2024-03 and 2024-04) for the papers of
// the upstream list's editions that both have, tagged from the list's title and intro alone.
// Per topic that both taxonomies name: how many papers each side tags, both, precision and recall
// of ours against theirs; and the mean Jaccard overlap per paper over those topics.
import { readFileSync } from 'node:fs';
import { DEFAULT_TOPICS, tagPaper } from '../src/domain/topics.js';
import { parseUpstreamList } from '../src/sources/upstream-list/parse.js';

const SHARED = new URL('../../shared/', import.meta.url);

/** their tag → our topic (their tags without a counterpart, such as NER or Sentiment Analysis, are left out) */
export const MONOLOGG_TO_TOPIC: Record<string, string> = {
  LLM: 'llm',
  'LLM Agent': 'agents',
  'Multi-Agent': 'agents',
  'Tool Use': 'agents',
  RAG: 'retrieval',
  Reasoning: 'reasoning',
  'Multimodal LLM': 'multimodal',
  'Long Context': 'long-context',
  'LLM Efficiency': 'efficiency',
  Alignment: 'alignment',
  'LLM Safety': 'safety',
  'LLM Evaluation': 'evaluation',
  'Code LLM': 'code',
  'Speech LLM': 'speech',
};

export interface TopicAgreement {
  papers: number;
  perTopic: Array<{ slug: string; ours: number; theirs: number; both: number; precision: number | null; recall: number | null }>;
  meanJaccard: number;
}

export function topicAgreement(): TopicAgreement {
  const theirs = new Map<string, Set<string>>();
  for (const month of ['2024-03', '2024-04']) {
    const data = JSON.parse(readFileSync(new URL(`data/pools/monologg_nlp-arxiv-daily/${month}.json`, SHARED), 'utf8')) as Record<string, Record<string, string>>;
    for (const [tag, papers] of Object.entries(data)) {
      const slug = MONOLOGG_TO_TOPIC[tag];
      for (const id of Object.keys(papers)) {
        const set = theirs.get(id) ?? new Set<string>();
        if (slug) set.add(slug);
        theirs.set(id, set);
      }
    }
  }
  const list = parseUpstreamList(readFileSync(new URL('data/upstream/dair-ai/README.md', SHARED), 'utf8'));
  const compared = new Set(Object.values(MONOLOGG_TO_TOPIC));
  const pairs: Array<{ ours: Set<string>; theirs: Set<string> }> = [];
  for (const e of list.editions.flatMap((ed) => ed.entries)) {
    const id = e.paper.arxivId;
    if (!id || !theirs.has(id)) continue;
    const ours = new Set(tagPaper({ title: e.label, intro: e.intro }).map((t) => t.slug).filter((s) => compared.has(s)));
    pairs.push({ ours, theirs: theirs.get(id)! });
  }
  const perTopic = [...compared].map((slug) => {
    const ours = pairs.filter((p) => p.ours.has(slug)).length;
    const their = pairs.filter((p) => p.theirs.has(slug)).length;
    const both = pairs.filter((p) => p.ours.has(slug) && p.theirs.has(slug)).length;
    return { slug, ours, theirs: their, both, precision: ours ? both / ours : null, recall: their ? both / their : null };
  });
  const jaccard = pairs.map((p) => {
    const union = new Set([...p.ours, ...p.theirs]);
    return union.size === 0 ? 1 : [...p.ours].filter((s) => p.theirs.has(s)).length / union.size;
  });
  return { papers: pairs.length, perTopic, meanJaccard: jaccard.reduce((a, b) => a + b, 0) / Math.max(1, jaccard.length) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const a = topicAgreement();
  const pct = (x: number | null) => (x === null ? '   –' : `${(x * 100).toFixed(0).padStart(3)}%`);
  console.log(`eval/topics: ${a.papers} papers of the upstream list are in monologg/nlp-arxiv-daily (2024-03, 2024-04); ours from title + intro, theirs from their keywords`);
  console.log('  topic           ours theirs both precision recall');
  for (const t of a.perTopic) console.log(`  ${t.slug.padEnd(15)} ${String(t.ours).padStart(4)} ${String(t.theirs).padStart(6)} ${String(t.both).padStart(4)} ${pct(t.precision).padStart(9)} ${pct(t.recall).padStart(6)}`);
  console.log(`  mean Jaccard overlap per paper over the shared topics: ${a.meanJaccard.toFixed(2)}`);
  console.log(`  (topics: ${DEFAULT_TOPICS.length} in the default taxonomy; their tags without a counterpart are left out)`);
}
