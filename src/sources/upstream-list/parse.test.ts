// Table-driven tests of the upstream-list parser on the real list (../shared/data) and on real rows copied
// from it (each fixture below is one line of the real README.md, named by its line number there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeText } from '../decode.js';
import { parseUpstreamList, type UpstreamEntry, type UpstreamParse } from './parse.js';

const REAL = new URL('../../../../shared/data/upstream/dair-ai/README.md', import.meta.url);
const haveReal = existsSync(fileURLToPath(REAL));
const skipReal = haveReal ? false : 'needs ../shared/data/upstream/dair-ai/README.md';
const readReal = (): string => decodeText(readFileSync(REAL), 'upstream README.md');

const TABLE_HEAD = '| **Paper**  | **Links** | \n| ------------- | ------------- |';
const W2025 = 'Top ML Papers of the Week (June 23 - June 29) - 2025';
const W2024 = 'Top ML Papers of the Week (April 1 - April 7) - 2024';

/** One edition: heading on line 1, table header on lines 2–3, rows from line 4. */
function edition(heading: string, ...rows: string[]): string {
  return `## ${heading}\n${TABLE_HEAD}\n${rows.join('\n')}\n`;
}

function only(text: string): UpstreamEntry {
  const r = parseUpstreamList(text);
  assert.deepEqual(r.problems, []);
  assert.equal(r.editions.length, 1);
  assert.equal(r.editions[0]!.entries.length, 1);
  return r.editions[0]!.entries[0]!;
}

// ---- real rows, one per era and quirk ---------------------------------------------------------------

// 2025: `N) Title  Intro` (two spaces, no bold)
const ROW_165 = "| 9) Diffusion Steering via RL  This paper introduces Diffusion Steering via Reinforcement Learning (DSRL), a method for adapting pretrained diffusion policies by learning in their latent-noise space instead of finetuning model weights. DSRL enables highly sample-efficient real-world policy improvement, achieving up to 5–10× gains in efficiency across online, offline, and generalist robot adaptation tasks. | [Paper](https://arxiv.org/abs/2506.15799), [Tweet](https://x.com/svlevine/status/1938101714361766023) |";
// 2025 with `<br>` bullets and numbered sub-heads
const ROW_456 = "| 6) Usage Recommendation for DeepSeek-R1  This work provides a set of recommendations for how to prompt the DeepSeek-R1 model. Below are the key guidelines: <br><br> 1. Prompt Engineering: <br>  ● Use clear, structured prompts with explicit instructions <br> ● Avoid  few-shot prompting; use zero-shot instead  <br><br> 1. Output Formatting: <br>  ● Specify the desired format (JSON, tables, markdown) <br> ● Request  step-by-step explanations for reasoning tasks <br><br> 1. Language: <br>  ● Explicitly specify input/output language to prevent mixing <br><br> The paper also summarizes when to use the different model variants, when to fine-tune, and other safety considerations. | [Paper](https://arxiv.org/abs/2501.17030), [Tweet](https://x.com/omarsar0/status/1884624296368292083) |";
// 2025: a link inside the intro (`it[s Claude.ai](http://claude.ai/)`) is intro text, not an entry link
const ROW_163 = "| 7) Claude for Affective Use  Anthropic presents the first large-scale study of how users seek emotional support from it[s Claude.ai](http://claude.ai/) assistant, analyzing over 4.5 million conversations. Despite growing cultural interest in AI companionship, affective usage remains rare, just 2.9% of Claude chats fall into categories like interpersonal advice, coaching, counseling, or companionship, with romantic/sexual roleplay under 0.1%. The study focuses on these affective conversations and yields several insights:  <br>● Emotional support is wide-ranging: Users turn to Claude for both everyday guidance (e.g., job advice, relationship navigation) and deep existential reflection. Counseling use splits between practical (e.g., documentation drafting) and personal support (e.g., anxiety, trauma). Companionship chats often emerge from coaching/counseling contexts. <br>● Minimal resistance, safety-aligned pushback: Claude resists user requests in fewer than 10% of affective conversations, usually to discourage harm (e.g., self-injury, crash dieting) or clarify professional limits. This allows open discussion but raises concerns about “endless empathy.” <br>● Emotional tone trends upward: Sentiment analysis shows users often express more positive emotions by the end of a session, with no signs of negative spirals. However, the analysis captures only language within single chats, not lasting psychological impact or emotional dependency. <br>● Privacy-first methodology: The analysis used Clio, an anonymizing tool, and excluded short or task-based interactions to focus on meaningful, affective exchanges (final dataset: 131k conversations). | [Paper](https://www.anthropic.com/news/how-people-use-claude-for-support-advice-and-companionship), [Tweet](https://x.com/AnthropicAI/status/1938234981089763649) |";
// 2025: title and intro separated by ONE space
const ROW_215 = "| 3) An Operating System for Memory-Augmented Generation in LLMs Introduces a unified operating system for managing memory LLMs, addressing a key limitation in  current architectures: their lack of structured, persistent, and governable memory. While today's LLMs rely primarily on parametric memory (model weights) and limited short-term context, MemOS proposes a comprehensive memory lifecycle and management infrastructure designed to support continual learning, behavioral consistency, and knowledge evolution.  Key contributions and components include:  <br>● Three-tier memory taxonomy: MemOS distinguishes between parametric memory (long-term weights), activation memory (short-term runtime states), and plaintext memory (editable, external content). These types are unified through a shared abstraction called the Memory Cube (MemCube), enabling seamless transformation (e.g., plaintext to parametric) and lifecycle governance. <br>● MemCube abstraction: Each MemCube encapsulates memory metadata (creation time, type, access policies, etc.) and a semantic payload (text, tensors, LoRA patches). This enables dynamic scheduling, traceable updates, and interoperability between modules and agents. <br>● Modular OS-style architecture: MemOS consists of three layers—Interface (user/API interaction), Operation (memory scheduling, lifecycle management), and Infrastructure (storage, access governance), that work together to manage memory parsing, injection, transformation, and archival. <br>● Closed-loop execution flow: Every interaction (e.g., prompt response) can trigger memory operations governed by scheduling rules and lifecycle policies. Retrieved memory can be injected into generation, stored in archives, or transformed into other types for long-term use. <br>● Vision for a memory-centric future: The paper proposes “memory training” as the next frontier beyond pretraining and finetuning, enabling models that learn continuously. Future work includes cross-model memory sharing, self-evolving memory blocks, and a decentralized memory marketplace. | [Paper](https://arxiv.org/abs/2505.22101), [Tweet](https://x.com/omarsar0/status/1928116365640225222) |";
// 2025: the `|` before the links cell is missing after the intro: `infrastructure.  [Report](…) | [Tweet](…) |`
const ROW_317 = "| 7) Compute Agent Arena  Computer Agent Arena is a new open platform for benchmarking LLM and VLM-based agents on real-world computer-use tasks, like coding, editing, and web navigation, using a virtual desktop environment. Initial results show that OpenAI and Anthropic are leading with modest success rates, while the platform aims to grow through crowdsourced tasks, agent submissions, and open-sourcing of its infrastructure.  [Report](https://arena.xlang.ai/blog/computer-agent-arena) | [Tweet](https://x.com/BowenWangNLP/status/1909618451259572328) |";
// late 2024 / Jan 2025: `N) Title - intro` without bold; links with no comma and a `[Tweet)]` label
const ROW_494 = "| 2) Agent Laboratory - an approach that leverages LLM agents capable of completing the entire research process; the main findings are: 1) agents driven by o1-preview resulted in the best research outcomes, 2) generated machine learning code can achieve state-of-the-art performance compared to existing methods, 3) human feedback further improves the quality of research, and 4) Agent Laboratory significantly reduces research expenses. | [Paper](https://arxiv.org/abs/2501.04227)  [Tweet)](https://x.com/omarsar0/status/1877382581358047375) |";
// the same era, title with a dot and a dash, 2+ spaces later in the intro
const ROW_513 = "| 7) 1.58-bit FLUX - presents the first successful approach to quantizing the state-of-the-art  text-to-image generation model, FLUX.1-dev, using 1.58-bit weights (i.e., values in {-1, 0, +1}); the method relies on self-supervision from the FLUX.1-dev model and maintains comparable performance for generating 1024 x 1024 images as the original FLUX model. | [Paper](https://arxiv.org/abs/2412.18653), [Tweet](https://x.com/_akhaliq/status/1873782702178263549) |";
// 2024: a github.com link labelled Paper is code
const ROW_1077 = "| 2) **SWE-Agent** - a new open-source agentic system that can automatically solve GitHub issues with similar accuracy as Devin on the SWE-bench; the agent interacts with a specialized terminal and enables important processing of files and executable tests to achieve good performance; on SWE-bench, SWE-agent resolves 12.29% of issues, achieving the state-of-the-art performance on the full test set.  | [Paper](https://github.com/princeton-nlp/SWE-agent), [Tweet](https://x.com/jyangballin/status/1775114444370051582) |";
// 2024: versioned arXiv URL
const ROW_1081 = "| 6) **The Unreasonable Ineffectiveness of the Deeper Layers** - finds that a simple layer-pruning strategy of popular open-weight pretraining LLMs shows minimal performance degradation until after a large fraction (up to half) of the layers are removed; using a layer similarity mechanism optimal blocks are identified and pruned followed by a small amount of fine-tuning to heal damage  | [Paper](https://arxiv.org/abs/2403.17887v1),  [Tweet](https://x.com/AlphaSignalAI/status/1774858806817906971)  |";
// 2024: two spaces after the number
const ROW_1055 = "| 9)  **LM In-Context Recall is Prompt Dependent** - analyzes the in-context recall performance of different LLMs using several needle-in-a-haystack tests; shows various LLMs recall facts at different lengths and depths; finds that a model's recall performance is significantly affected by small changes in the prompt; the interplay between prompt content and training data can degrade the response quality; the recall ability of a model can be improved with increasing size, enhancing the attention mechanism, trying different training strategies, and applying fine-tuning.  | [Paper](https://arxiv.org/abs/2404.08865), [Tweet](https://x.com/omarsar0/status/1780244042007122129)  |";
// 2023: mistyped bold `*8RankZephyr**`
const ROW_1332 = "| 9) *8RankZephyr** - an open-source LLM for listwise zero-shot reranking that bridges the effectiveness gap with GPT-4 and in some cases surpasses the proprietary model; it outperforms GPT-4 on the NovelEval test set, comprising queries and passages past its training period, which addresses concerns about data contamination. | [Paper](https://arxiv.org/abs/2312.02724), [Tweet](https://x.com/lintool/status/1732430269485867114?s=20)  |";
// 2023: trailing `_|`
const ROW_1297 = "| 4) **VideoPoet** - introduces a large language model for zero-shot video generation; it’s capable of a variety of video generation tasks such as image-to-video and video stylization; trains an autoregressive model to learn across video, image, audio, and text modalities by using multiple tokenizers; shows that language models can synthesize and edit video with some degree of temporal consistency. | [Paper](https://sites.research.google/videopoet/), [Tweet](https://x.com/GoogleAI/status/1737235593078456389?s=20)_|";
// 2023: `[Project](…)[Tweet](…)` with nothing between
const ROW_1953 = "| 9) **Text2Room: Extracting Textured 3D Meshes from 2D Text-to-Image Models** - a method for extracting room-scale textured 3D meshes from 2D text-to-image models.                                                                                                                                                                           | [Paper](https://arxiv.org/abs/2303.11989), [Project](https://lukashoel.github.io/text-to-room/)[Tweet](https://twitter.com/dair_ai/status/1639991730723254274?s=20)                      |";
// 2023: a title with no intro
const ROW_2105 = "| 8) **Dataset Distillation: A Comprehensive Review**                                                                                                                                                                              | [Paper](https://arxiv.org/abs/2301.07014), [Tweet](https://twitter.com/omarsar0/status/1615745724473540609?s=20&t=r-pwuB6EhbZLXa5R6mL3NQ)                                           |";
// 2023: `Q\&A`, a Code link, twitter.com
const ROW_2140 = "| 9) **Iterated Decomposition: Improving Science Q\\&A by Supervising Reasoning Processes** - proposes integrated decomposition, an approach to improve Science Q\\&A through a human-in-the-loop workflow for refining compositional LM programs.                                                                    | [Paper](https://arxiv.org/abs/2301.01751), [Code](https://github.com/oughtinc/ice) [Tweet](https://twitter.com/dair_ai/status/1612153112638402562?s=20&t=ChwZWzSmoRlZKnD54fsV6w)                                                               |";

interface RowCase {
  name: string;
  line: number;
  row: string;
  heading?: string;
  label: string;
  introStart: string;
  introEnd: string;
  introLines?: number;
  links: Array<[kind: string, label: string, url: string]>;
  paper: string;
}

const ROWS: RowCase[] = [
  {
    name: '2025 two-space title',
    line: 165,
    row: ROW_165,
    label: 'Diffusion Steering via RL',
    introStart: 'This paper introduces Diffusion Steering via Reinforcement Learning (DSRL)',
    introEnd: 'across online, offline, and generalist robot adaptation tasks.',
    introLines: 1,
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2506.15799'],
      ['tweet', 'Tweet', 'https://x.com/svlevine/status/1938101714361766023'],
    ],
    paper: 'arxiv:2506.15799',
  },
  {
    name: '2025 <br> bullets',
    line: 456,
    row: ROW_456,
    heading: 'Top ML Papers of the Week (January 27 - February 2) - 2025',
    label: 'Usage Recommendation for DeepSeek-R1',
    introStart: 'This work provides a set of recommendations for how to prompt the DeepSeek-R1 model.',
    introEnd: 'when to fine-tune, and other safety considerations.',
    introLines: 10,
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2501.17030'],
      ['tweet', 'Tweet', 'https://x.com/omarsar0/status/1884624296368292083'],
    ],
    paper: 'arxiv:2501.17030',
  },
  {
    name: '2025 link inside the intro',
    line: 163,
    row: ROW_163,
    label: 'Claude for Affective Use',
    introStart: 'Anthropic presents the first large-scale study of how users seek emotional support from its Claude.ai assistant,',
    introEnd: 'to focus on meaningful, affective exchanges (final dataset: 131k conversations).',
    introLines: 5,
    links: [
      ['paper', 'Paper', 'https://www.anthropic.com/news/how-people-use-claude-for-support-advice-and-companionship'],
      ['tweet', 'Tweet', 'https://x.com/AnthropicAI/status/1938234981089763649'],
    ],
    paper: 'url:https://anthropic.com/news/how-people-use-claude-for-support-advice-and-companionship',
  },
  {
    name: '2025 one-space title',
    line: 215,
    row: ROW_215,
    heading: 'Top ML Papers of the Week (May 26 - June 1) - 2025',
    label: 'An Operating System for Memory-Augmented Generation in LLMs',
    introStart: 'Introduces a unified operating system for managing memory LLMs,',
    introEnd: 'self-evolving memory blocks, and a decentralized memory marketplace.',
    introLines: 6,
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2505.22101'],
      ['tweet', 'Tweet', 'https://x.com/omarsar0/status/1928116365640225222'],
    ],
    paper: 'arxiv:2505.22101',
  },
  {
    name: '2025 link cell without its leading |',
    line: 317,
    row: ROW_317,
    heading: 'Top ML Papers of the Week (April 6 - April 13) - 2025',
    label: 'Compute Agent Arena',
    introStart: 'Computer Agent Arena is a new open platform for benchmarking',
    introEnd: 'agent submissions, and open-sourcing of its infrastructure.',
    introLines: 1,
    links: [
      ['paper', 'Report', 'https://arena.xlang.ai/blog/computer-agent-arena'],
      ['tweet', 'Tweet', 'https://x.com/BowenWangNLP/status/1909618451259572328'],
    ],
    paper: 'url:https://arena.xlang.ai/blog/computer-agent-arena',
  },
  {
    name: 'Jan 2025 plain dash, no comma between links, [Tweet)]',
    line: 494,
    row: ROW_494,
    heading: 'Top ML Papers of the Week (January 6 - January 12) - 2025',
    label: 'Agent Laboratory',
    introStart: 'an approach that leverages LLM agents capable of completing the entire research process;',
    introEnd: '4) Agent Laboratory significantly reduces research expenses.',
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2501.04227'],
      ['tweet', 'Tweet', 'https://x.com/omarsar0/status/1877382581358047375'],
    ],
    paper: 'arxiv:2501.04227',
  },
  {
    name: 'Dec 2024 plain dash, title with a dot',
    line: 513,
    row: ROW_513,
    heading: 'Top ML Papers of the Week (December 30 - January 5) - 2025',
    label: '1.58-bit FLUX',
    introStart: 'presents the first successful approach to quantizing the state-of-the-art text-to-image generation model',
    introEnd: 'for generating 1024 x 1024 images as the original FLUX model.',
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2412.18653'],
      ['tweet', 'Tweet', 'https://x.com/_akhaliq/status/1873782702178263549'],
    ],
    paper: 'arxiv:2412.18653',
  },
  {
    name: '2024 github.com link labelled Paper',
    line: 1077,
    row: ROW_1077,
    heading: W2024,
    label: 'SWE-Agent',
    introStart: 'a new open-source agentic system that can automatically solve GitHub issues',
    introEnd: 'state-of-the-art performance on the full test set.',
    links: [
      ['code', 'Paper', 'https://github.com/princeton-nlp/SWE-agent'],
      ['tweet', 'Tweet', 'https://x.com/jyangballin/status/1775114444370051582'],
    ],
    paper: 'url:https://github.com/princeton-nlp/SWE-agent',
  },
  {
    name: '2024 versioned arXiv URL',
    line: 1081,
    row: ROW_1081,
    heading: W2024,
    label: 'The Unreasonable Ineffectiveness of the Deeper Layers',
    introStart: 'finds that a simple layer-pruning strategy of popular open-weight pretraining LLMs',
    introEnd: 'followed by a small amount of fine-tuning to heal damage',
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2403.17887v1'],
      ['tweet', 'Tweet', 'https://x.com/AlphaSignalAI/status/1774858806817906971'],
    ],
    paper: 'arxiv:2403.17887',
  },
  {
    name: '2024 two spaces after the number',
    line: 1055,
    row: ROW_1055,
    heading: 'Top ML Papers of the Week (April 15 - April 21) - 2024',
    label: 'LM In-Context Recall is Prompt Dependent',
    introStart: 'analyzes the in-context recall performance of different LLMs',
    introEnd: 'trying different training strategies, and applying fine-tuning.',
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2404.08865'],
      ['tweet', 'Tweet', 'https://x.com/omarsar0/status/1780244042007122129'],
    ],
    paper: 'arxiv:2404.08865',
  },
  {
    name: '2023 mistyped bold *8Title**',
    line: 1332,
    row: ROW_1332,
    heading: 'Top ML Papers of the Week (December 4 - December 10) - 2023',
    label: '8RankZephyr',
    introStart: 'an open-source LLM for listwise zero-shot reranking',
    introEnd: 'which addresses concerns about data contamination.',
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2312.02724'],
      ['tweet', 'Tweet', 'https://x.com/lintool/status/1732430269485867114?s=20'],
    ],
    paper: 'arxiv:2312.02724',
  },
  {
    name: '2023 trailing _|',
    line: 1297,
    row: ROW_1297,
    heading: 'Top ML Papers of the Week (December 18 - December 24) - 2023',
    label: 'VideoPoet',
    introStart: 'introduces a large language model for zero-shot video generation;',
    introEnd: 'synthesize and edit video with some degree of temporal consistency.',
    links: [
      ['paper', 'Paper', 'https://sites.research.google/videopoet/'],
      ['tweet', 'Tweet', 'https://x.com/GoogleAI/status/1737235593078456389?s=20'],
    ],
    paper: 'url:https://sites.research.google/videopoet',
  },
  {
    name: '2023 links with nothing between them',
    line: 1953,
    row: ROW_1953,
    heading: 'Top ML Papers of the Week (Mar 20-Mar 26) - 2023',
    label: 'Text2Room: Extracting Textured 3D Meshes from 2D Text-to-Image Models',
    introStart: 'a method for extracting room-scale textured 3D meshes',
    introEnd: 'textured 3D meshes from 2D text-to-image models.',
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2303.11989'],
      ['project', 'Project', 'https://lukashoel.github.io/text-to-room/'],
      ['tweet', 'Tweet', 'https://twitter.com/dair_ai/status/1639991730723254274?s=20'],
    ],
    paper: 'arxiv:2303.11989',
  },
  {
    name: '2023 title without intro',
    line: 2105,
    row: ROW_2105,
    heading: 'Top ML Papers of the Week (Jan 16-22) - 2023',
    label: 'Dataset Distillation: A Comprehensive Review',
    introStart: '',
    introEnd: '',
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2301.07014'],
      ['tweet', 'Tweet', 'https://twitter.com/omarsar0/status/1615745724473540609?s=20&t=r-pwuB6EhbZLXa5R6mL3NQ'],
    ],
    paper: 'arxiv:2301.07014',
  },
  {
    name: '2023 escaped Q\\&A and a Code link',
    line: 2140,
    row: ROW_2140,
    heading: 'Top ML Papers of the Week (Jan 1-8) - 2023',
    label: 'Iterated Decomposition: Improving Science Q&A by Supervising Reasoning Processes',
    introStart: 'proposes integrated decomposition, an approach to improve Science Q&A',
    introEnd: 'workflow for refining compositional LM programs.',
    links: [
      ['paper', 'Paper', 'https://arxiv.org/abs/2301.01751'],
      ['code', 'Code', 'https://github.com/oughtinc/ice'],
      ['tweet', 'Tweet', 'https://twitter.com/dair_ai/status/1612153112638402562?s=20&t=ChwZWzSmoRlZKnD54fsV6w'],
    ],
    paper: 'arxiv:2301.01751',
  },
];

for (const c of ROWS) {
  test(`row: ${c.name} (README.md line ${c.line})`, () => {
    const e = only(edition(c.heading ?? W2025, c.row));
    assert.equal(e.line, 4);
    assert.equal(e.label, c.label);
    assert.ok(e.intro.startsWith(c.introStart), `intro starts ${JSON.stringify(e.intro.slice(0, 80))}`);
    assert.ok(e.intro.endsWith(c.introEnd), `intro ends ${JSON.stringify(e.intro.slice(-80))}`);
    if (c.introLines !== undefined) assert.equal(e.intro.split('\n').length, c.introLines);
    assert.deepEqual(
      e.links.map((l) => [l.kind, l.label, l.url]),
      c.links,
    );
    assert.equal(e.paper.key, c.paper);
    assert.ok(!e.intro.includes('<br>') && !e.intro.includes('**') && !e.intro.includes('  '));
  });
}

test('row: <br> bullets become lines, the bullet text is kept', () => {
  const lines = only(edition('Top ML Papers of the Week (January 27 - February 2) - 2025', ROW_456)).intro.split('\n');
  assert.deepEqual(lines.slice(1, 4), [
    '1. Prompt Engineering:',
    '● Use clear, structured prompts with explicit instructions',
    '● Avoid few-shot prompting; use zero-shot instead',
  ]);
  const claude = only(edition(W2025, ROW_163)).intro.split('\n');
  assert.ok(claude[1]!.startsWith('● Emotional support is wide-ranging: Users turn to Claude'));
  assert.ok(claude.slice(1).every((l) => l.startsWith('● ')));
});

test('row: a link inside the intro is not an entry link', () => {
  const e = only(edition(W2025, ROW_163));
  assert.ok(!e.links.some((l) => l.url.includes('claude.ai')));
  assert.ok(!e.intro.includes('http'));
});

test('row: \\| is unescaped and does not split the cell', () => {
  // ROW_1081 with an escaped pipe added to its title (the real list has none)
  const row = ROW_1081.replace('**The Unreasonable Ineffectiveness', '**The Unreasonable \\| Ineffectiveness');
  const e = only(edition(W2024, row));
  assert.equal(e.label, 'The Unreasonable | Ineffectiveness of the Deeper Layers');
  assert.equal(e.paper.key, 'arxiv:2403.17887');
});

test('row: a missing trailing | is fine', () => {
  const e = only(edition(W2024, ROW_1081.replace(/\s*\|\s*$/, '')));
  assert.equal(e.links.length, 2);
});

test('paper: an arXiv link wins over an earlier paper link; else paper; else not a tweet; else the first', () => {
  const cases: Array<[links: string, key: string]> = [
    ['[Tweet](https://x.com/a/status/1), [Paper](https://example.org/p), [Code](https://arxiv.org/abs/2401.00001v2)', 'arxiv:2401.00001'],
    ['[Tweet](https://x.com/a/status/1), [Blog](https://example.org/b), [Paper](https://openreview.net/forum?id=x)', 'url:https://openreview.net/forum?id=x'],
    ['[Tweet](https://x.com/a/status/1), [GitHub](https://github.com/a/b)', 'url:https://github.com/a/b'],
    ['[Tweet](https://x.com/a/status/1)', 'url:https://x.com/a/status/1'],
  ];
  for (const [links, key] of cases) {
    const e = only(edition(W2025, `| 1) **T** - intro | ${links} |`));
    assert.equal(e.paper.key, key, links);
  }
});

// ---- headings and dates -------------------------------------------------------------------------------

test('headings: years, year-less 2023 weeks, abbreviations, 6- and 8-day weeks', () => {
  const row = ROW_165;
  const text = [
    edition('Top ML Papers of the Week (June 23 - June 29) - 2025', row),
    edition('Top ML Papers of the Week (December 30 - January 5) - 2025', row),
    edition('Top ML Papers of the Week (January 1 - January 7) - 2024', row),
    edition('Top ML Papers of the Week (December 25 - December 31)', row),
    edition('Top ML Papers of the Week (May 29-June 4)', row),
    edition('Top ML Papers of the Week (Mar 20-Mar 26)', row),
    edition('Top ML Papers of the Week (Feb 13 - 19)', row),
    edition('Top ML Papers of the Week (Jan 1-8)', row),
  ].join('\n');
  const r = parseUpstreamList(text);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.editions.map((e) => [e.startDate, e.endDate]),
    [
      ['2025-06-23', '2025-06-29'],
      ['2024-12-30', '2025-01-05'],
      ['2024-01-01', '2024-01-07'],
      ['2023-12-25', '2023-12-31'],
      ['2023-05-29', '2023-06-04'],
      ['2023-03-20', '2023-03-26'],
      ['2023-02-13', '2023-02-19'],
      ['2023-01-01', '2023-01-08'],
    ],
  );
  assert.equal(r.editions[1]!.anchor, 'top-ml-papers-of-the-week-december-30---january-5---2025');
  assert.equal(r.editions[1]!.heading, 'December 30 - January 5');
  assert.equal(r.editions[1]!.title, 'Top ML Papers of the Week (December 30 - January 5) - 2025');
  assert.equal(r.editions[4]!.anchor, 'top-ml-papers-of-the-week-may-29-june-4');
  assert.equal(r.editions[6]!.anchor, 'top-ml-papers-of-the-week-feb-13---19');
});

test('headings: year-less headings at the very top take their year from the older neighbour', () => {
  const text = [
    edition('Top ML Papers of the Week (Jan 9-15)', ROW_165),
    edition('Top ML Papers of the Week (December 25 - December 31) - 2022', ROW_165),
  ].join('\n');
  const r = parseUpstreamList(text);
  assert.deepEqual(r.problems, []);
  assert.deepEqual([r.editions[0]!.startDate, r.editions[0]!.endDate], ['2023-01-09', '2023-01-15']);
});

// ---- the real file ------------------------------------------------------------------------------------

test('real list: 130 editions, 1,300 entries, no problems', { skip: skipReal }, () => {
  const r = parseUpstreamList(readReal());
  assert.deepEqual(r.problems, []);
  assert.equal(r.editions.length, 130);
  assert.equal(
    r.editions.reduce((n, e) => n + e.entries.length, 0),
    1300,
  );
  for (const e of r.editions) {
    assert.deepEqual(
      e.entries.map((x) => x.position),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      e.title,
    );
    for (const x of e.entries) {
      assert.ok(x.label.length > 0 && x.label.length <= 140, `${x.line}: ${x.label}`);
      assert.ok(x.links.length > 0);
    }
  }
  // newest first, no gaps in the order
  for (let i = 1; i < r.editions.length; i++) assert.ok(r.editions[i]!.endDate <= r.editions[i - 1]!.startDate);
});

test('real list: date ranges of specific editions', { skip: skipReal }, () => {
  const r = parseUpstreamList(readReal());
  const byHeading = new Map(r.editions.map((e) => [e.heading, e]));
  const cases: Array<[heading: string, start: string, end: string, line: number]> = [
    ['June 23 - June 29', '2025-06-23', '2025-06-29', 154],
    ['December 30 - January 5', '2024-12-30', '2025-01-05', 504],
    ['April 6 - April 13', '2025-04-06', '2025-04-13', 308],
    ['March 26 - March 31', '2024-03-26', '2024-03-31', 1088],
    ['Jan 1-8', '2023-01-01', '2023-01-08', 2128],
    ['May 29-June 4', '2023-05-29', '2023-06-04', 1773],
    ['Mar 20-Mar 26', '2023-03-20', '2023-03-26', 1941],
    ['Feb 13 - 19', '2023-02-13', '2023-02-19', 2026],
    ['December 25 - December 31', '2023-12-25', '2023-12-31', 1276],
  ];
  for (const [heading, start, end, line] of cases) {
    const e = byHeading.get(heading);
    assert.ok(e, heading);
    assert.deepEqual([e.startDate, e.endDate, e.line], [start, end, line], heading);
  }
  assert.equal(r.editions[0]!.anchor, 'top-ml-papers-of-the-week-june-23---june-29---2025');
});

test('real list: the fixture rows parse the same inside the whole file', { skip: skipReal }, () => {
  const r = parseUpstreamList(readReal());
  const byLine = new Map(r.editions.flatMap((e) => e.entries).map((x) => [x.line, x]));
  for (const c of ROWS) {
    const inFile = byLine.get(c.line);
    assert.ok(inFile, `line ${c.line}`);
    const alone = only(edition(c.heading ?? W2025, c.row));
    assert.deepEqual({ ...inFile, line: 0 }, { ...alone, line: 0 }, `line ${c.line}`);
  }
});

// ---- bad input ----------------------------------------------------------------------------------------

test('bad: a file that is not the list', () => {
  const r = parseUpstreamList('# Some README\n\n| a | b |\n| - | - |\n| 1) x | [y](https://z) |\n', { sourceUrl: 'x.md' });
  assert.deepEqual(r.editions, []);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.line, 1);
  assert.equal(r.problems[0]!.field, 'heading');
  assert.match(r.problems[0]!.message, /x\.md.*does not look like the upstream list/);
  assert.equal(parseUpstreamList('').problems[0]!.field, 'heading');
});

test('bad: the real file cut in the middle of a row keeps every complete row before the cut', { skip: skipReal }, () => {
  const text = readReal();
  const at = text.indexOf('| 4) Reinforcement-Learned Teachers'); // 2025-06-23 edition, 4th row, line 160
  const cut = text.slice(0, at + 200);
  const r = parseUpstreamList(cut);
  assert.equal(r.editions.length, 1);
  assert.deepEqual(
    r.editions[0]!.entries.map((e) => e.position),
    [1, 2, 3],
  );
  assert.deepEqual(
    r.problems.map((p) => [p.line, p.field]),
    [[160, 'links']],
  );
  assert.equal(r.problems[0]!.edition, 'Top ML Papers of the Week (June 23 - June 29) - 2025');
  // cut right after a row ends: nothing is broken
  const clean = parseUpstreamList(text.slice(0, text.indexOf('\n', at) + 1));
  assert.deepEqual(clean.problems, []);
  assert.equal(clean.editions[0]!.entries.length, 4);
  // cut inside a heading's table header
  const head = parseUpstreamList(text.slice(0, text.indexOf('| **Paper**') + 5));
  assert.deepEqual(head.editions, []);
  assert.deepEqual(
    head.problems.map((p) => [p.line, p.field]),
    [[155, 'table']],
  );
  // cut right after the table header: a table without rows
  const empty = parseUpstreamList(text.slice(0, text.indexOf('| 1) Ultra-Fast')));
  assert.deepEqual(empty.editions, []);
  assert.deepEqual(
    empty.problems.map((p) => [p.line, p.field]),
    [[154, 'table']],
  );
  // cut right after a heading
  const bare = parseUpstreamList(text.slice(0, text.indexOf('| **Paper**')));
  assert.deepEqual(bare.editions, []);
  assert.deepEqual(
    bare.problems.map((p) => [p.line, p.field]),
    [[154, 'table']],
  );
});

test('bad: rows without links, without a number, without a title; duplicate positions; siblings kept', () => {
  const noLinks = '| 2) **Some Title** - an intro with no links at all |  |';
  const noNumber = '| **Dataset Distillation: A Comprehensive Review** | [Paper](https://arxiv.org/abs/2301.07014) |';
  const noTitle = '| 4) | [Paper](https://arxiv.org/abs/2301.07014) |';
  const dup = ROW_2105; // position 8 again
  const notARow = '| 5) **A** - b | [Paper](https://arxiv.org/abs/2301.07014) | [Tweet](https://x.com/a/status/1) |';
  const r: UpstreamParse = parseUpstreamList(
    edition('Top ML Papers of the Week (Jan 16-22) - 2023', ROW_2105, noLinks, noNumber, noTitle, dup, notARow, ROW_1953),
  );
  assert.deepEqual(
    r.editions[0]!.entries.map((e) => [e.line, e.position]),
    [
      [4, 8],
      [10, 9],
    ],
  );
  assert.deepEqual(
    r.problems.map((p) => [p.line, p.field]),
    [
      [5, 'links'],
      [6, 'position'],
      [7, 'title'],
      [8, 'position'],
      [9, 'table'],
    ],
  );
  assert.match(r.problems[0]!.message, /no links/);
  assert.match(r.problems[3]!.message, /position 8 is already used on line 4/);
  for (const p of r.problems) assert.equal(p.edition, 'Top ML Papers of the Week (Jan 16-22) - 2023');
});

test('bad: a heading without parsable dates is one problem and its rows are skipped', () => {
  const text = [
    edition(W2025, ROW_165),
    edition('Top ML Papers of the Week (Someday)', ROW_165, ROW_163),
    edition('Top ML Papers of the Week (February 30 - March 6) - 2025', ROW_165),
    edition(W2024, ROW_1081),
  ].join('\n');
  const r = parseUpstreamList(text);
  assert.deepEqual(
    r.editions.map((e) => e.startDate),
    ['2025-06-23', '2024-04-01'],
  );
  assert.deepEqual(
    r.problems.map((p) => [p.line, p.field]),
    [
      [6, 'heading'],
      [12, 'heading'],
    ],
  );
  assert.match(r.problems[0]!.message, /Someday/);
  assert.match(r.problems[1]!.message, /day 30 does not exist/);
});

test('bad: a table row outside a table (header missing) is reported', () => {
  const r = parseUpstreamList(`## ${W2025}\n\n${ROW_165}\n`);
  assert.deepEqual(r.editions, []);
  assert.deepEqual(
    r.problems.map((p) => [p.line, p.field]),
    [[3, 'table']],
  );
});

test('bad: a table with three columns is reported once, its rows skipped', () => {
  const r = parseUpstreamList(`## ${W2025}\n| a | b | c |\n| - | - | - |\n${ROW_165}\n`);
  assert.deepEqual(r.editions, []);
  assert.deepEqual(
    r.problems.map((p) => [p.line, p.field]),
    [[2, 'table']],
  );
  assert.match(r.problems[0]!.message, /3 columns/);
});

test('decode: CRLF and a BOM parse like the original', () => {
  const lf = edition(W2025, ROW_165, ROW_163);
  const bytes = new TextEncoder().encode('\uFEFF' + lf.replace(/\n/g, '\r\n'));
  assert.deepEqual(parseUpstreamList(decodeText(bytes, 'crlf.md')), parseUpstreamList(lf));
});

test('decode: invalid UTF-8 and NUL bytes are refused with where they are', () => {
  const good = new TextEncoder().encode(edition(W2025, ROW_165));
  const bad = new Uint8Array([...good.slice(0, 120), 0xff, ...good.slice(120)]);
  assert.throws(() => decodeText(bad, 'list.md'), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'INPUT_INVALID');
    assert.match(e.message, /list\.md.*byte offset 120/);
    return true;
  });
  const nul = new Uint8Array([...good.slice(0, 120), 0, ...good.slice(120)]);
  assert.throws(() => decodeText(nul, 'list.md'), /list\.md: NUL byte at line 4/);
});
