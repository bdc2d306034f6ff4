// Topics of a paper: a small editable taxonomy and the deterministic rules that tag a paper with
// it (phrases in its title, intro and abstract; its arXiv categories). Pure. The rules' answer is
// the fallback an LLM refinement may improve, and each tag says which rule gave it.

export interface Topic {
  slug: string;
  /** English name, shown in charts and overviews */
  name: string;
  /** the name in other languages, by language code (ko: '에이전트'); English is `name` */
  names?: Record<string, string>;
  /** lower-case phrases matched on word boundaries; a trailing `*` matches any ending (agent* → agents, agentic) */
  phrases: string[];
  /** arXiv categories that imply the topic on their own (e.g. cs.CV → vision) */
  categories: string[];
}

export const DEFAULT_TOPICS: readonly Topic[] = [
  { slug: 'llm', name: 'LLMs', names: { ko: 'LLM' }, phrases: ['llm*', 'large language model*', 'language model*', 'gpt-4*', 'gpt-3*', 'chatgpt', 'llama*', 'mistral', 'gemini', 'claude', 'instruction tuning', 'in-context learning', 'prompting'], categories: [] },
  { slug: 'agents', name: 'agents', names: { ko: '에이전트' }, phrases: ['agent*', 'tool use', 'tool-use', 'tool learning', 'function calling', 'web navigation', 'multi-agent'], categories: ['cs.MA'] },
  { slug: 'reasoning', name: 'reasoning', names: { ko: '추론' }, phrases: ['reasoning', 'chain-of-thought', 'chain of thought', 'theorem proving', 'math word problem*', 'mathematical', 'planning', 'self-consistency'], categories: [] },
  { slug: 'multimodal', name: 'multimodal', names: { ko: '멀티모달' }, phrases: ['multimodal', 'multi-modal', 'vision-language', 'vision language', 'text-to-image', 'text-to-video', 'image-text', 'visual question answering', 'vlm*', 'mllm*', 'lmm*'], categories: [] },
  { slug: 'vision', name: 'vision', names: { ko: '비전' }, phrases: ['image*', 'video*', 'visual', 'vision', 'diffusion model*', 'object detection', 'segmentation', '3d', 'pixel*'], categories: ['cs.CV', 'eess.IV'] },
  { slug: 'speech', name: 'speech', names: { ko: '음성' }, phrases: ['speech', 'audio', 'spoken', 'speaker*', 'asr', 'text-to-speech', 'tts', 'voice'], categories: ['eess.AS', 'cs.SD'] },
  { slug: 'code', name: 'code', names: { ko: '코드' }, phrases: ['code generation', 'code llm*', 'coding', 'programming', 'program synthesis', 'software engineering', 'github issue*', 'swe-bench', 'source code'], categories: ['cs.SE', 'cs.PL'] },
  { slug: 'retrieval', name: 'retrieval/RAG', names: { ko: '검색/RAG' }, phrases: ['retrieval*', 'rag', 'retriever*', 'search engine*', 'knowledge base*', 'dense passage', 'reranking', 're-ranking'], categories: ['cs.IR'] },
  { slug: 'long-context', name: 'long context', names: { ko: '긴 문맥' }, phrases: ['long context', 'long-context', 'context window*', 'context length', 'long sequence*', 'long document*', 'needle in a haystack', 'million tokens'], categories: [] },
  { slug: 'efficiency', name: 'efficiency/compression', names: { ko: '효율/압축' }, phrases: ['efficien*', 'compression', 'quantiz*', 'pruning', 'distillation', 'sparse', 'sparsity', 'mixture-of-experts', 'mixture of experts', 'mixture-of-depths', 'inference cost', 'speedup', 'low-rank', 'lora', 'kv cache', 'memory footprint'], categories: [] },
  { slug: 'safety', name: 'safety/security', names: { ko: '안전/보안' }, phrases: ['safety', 'jailbreak*', 'adversarial', 'attack*', 'harmful', 'red teaming', 'red-teaming', 'privacy', 'backdoor*', 'poisoning', 'toxicity', 'misuse', 'security'], categories: ['cs.CR'] },
  { slug: 'alignment', name: 'alignment/RLHF', names: { ko: '정렬/RLHF' }, phrases: ['alignment', 'rlhf', 'human feedback', 'preference optimization', 'dpo', 'reward model*', 'preference data', 'instruction following', 'constitutional'], categories: [] },
  { slug: 'evaluation', name: 'evaluation/benchmarks', names: { ko: '평가/벤치마크' }, phrases: ['benchmark*', 'evaluation', 'evaluating', 'leaderboard', 'test set', 'eval'], categories: [] },
  { slug: 'robotics', name: 'robotics', names: { ko: '로보틱스' }, phrases: ['robot*', 'embodied', 'manipulation', 'locomotion', 'autonomous driving', 'navigation policy'], categories: ['cs.RO'] },
  { slug: 'science', name: 'science', names: { ko: '과학' }, phrases: ['protein*', 'molecul*', 'drug discovery', 'chemistry', 'materials', 'genom*', 'biolog*', 'medical', 'clinical', 'physics', 'climate', 'weather forecast*', 'scientific discovery'], categories: ['q-bio.BM', 'q-bio.QM', 'physics.chem-ph', 'cond-mat.mtrl-sci', 'astro-ph', 'physics.comp-ph'] },
];

/** The topic's name in a language, English when the taxonomy has none for it. */
export const topicName = (t: Topic, lang: string): string => t.names?.[lang] ?? t.name;

export interface TopicTag {
  slug: string;
  /** rules: phrases or categories below; llm: an LLM's refinement (the rules' answer kept beside it) */
  source: 'rules' | 'llm';
  /** what made the rule fire: `phrase:<phrase>` or `category:<cs.XX>` */
  evidence: string[];
}

export interface TaggablePaper {
  title: string;
  intro?: string | null;
  abstract?: string | null;
  categories?: readonly string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One regex per topic: the phrases on word boundaries, `*` as any word ending. */
function compile(t: Topic): RegExp | null {
  if (!t.phrases.length) return null;
  const alts = t.phrases.map((p) => (p.endsWith('*') ? `${escape(p.slice(0, -1))}[\\p{L}\\p{N}-]*` : `${escape(p)}s?`));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alts.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

const compiled = new WeakMap<readonly Topic[], Array<{ topic: Topic; re: RegExp | null }>>();

/** The topics a paper carries by the rules, in taxonomy order, each with its evidence. */
export function tagPaper(p: TaggablePaper, topics: readonly Topic[] = DEFAULT_TOPICS): TopicTag[] {
  let rules = compiled.get(topics);
  if (!rules) compiled.set(topics, (rules = topics.map((topic) => ({ topic, re: compile(topic) }))));
  const text = [p.title, p.intro ?? '', p.abstract ?? ''].join('\n').normalize('NFC');
  const cats = new Set(p.categories ?? []);
  const out: TopicTag[] = [];
  for (const { topic, re } of rules) {
    const evidence = new Set<string>();
    for (const c of topic.categories) if (cats.has(c) || [...cats].some((x) => x.startsWith(`${c}.`))) evidence.add(`category:${c}`);
    if (re) for (const m of text.matchAll(re)) evidence.add(`phrase:${m[0].toLowerCase()}`);
    if (evidence.size) out.push({ slug: topic.slug, source: 'rules', evidence: [...evidence].slice(0, 5) });
  }
  return out;
}

/** Problems of an edited taxonomy, each naming the topic: empty when it can be used. */
export function taxonomyProblems(topics: readonly Topic[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  topics.forEach((t, i) => {
    const where = `topic ${i + 1}${t.slug ? ` (${t.slug})` : ''}`;
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(t.slug)) problems.push(`${where}: the slug must be lower-case letters, digits and dashes`);
    if (seen.has(t.slug)) problems.push(`${where}: the slug is used twice`);
    seen.add(t.slug);
    if (!t.name.trim()) problems.push(`${where}: the name is empty`);
    if (!t.phrases.length && !t.categories.length) problems.push(`${where}: no phrase and no category, so no paper can carry it`);
    for (const p of t.phrases) if (p.trim() !== p || p === '' || p === '*' || p !== p.toLowerCase()) problems.push(`${where}: phrase ${JSON.stringify(p)} must be lower-case, trimmed and not empty`);
  });
  return problems;
}
