import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyLink } from './links.js';

describe('classifyLink: the URL decides first, the label second', () => {
  const cases: Array<[string, string, string]> = [
    ['https://github.com/princeton-nlp/SWE-agent', 'Paper', 'code'],
    ['https://github.com/OpenBMB/Eurus/blob/main/paper.pdf', 'Paper', 'code'],
    ['https://x.com/AnthropicAI/status/1775211248239464837', 'Tweet', 'tweet'],
    ['https://twitter.com/dair_ai/status/1614676677757661185?s=20', 'Paper', 'tweet'],
    ['https://arxiv.org/abs/2404.02258', 'Book', 'paper'],
    ['https://arxiv.org/pdf/2404.02258v1', 'Tweet', 'paper'],
    ['https://huggingface.co/datasets/openbmb/UltraInteract', 'Dataset', 'dataset'],
    ['https://huggingface.co/jetmoe/jetmoe-8b', 'Models', 'model'],
    ['https://huggingface.co/spaces/x/demo', 'Demo', 'demo'],
    ['https://research.myshell.ai/jetmoe', 'Paper', 'paper'],
    ['https://www.anthropic.com/research/many-shot-jailbreaking', 'Paper', 'paper'],
    ['https://gligen.github.io/', 'Project', 'project'],
    ['https://ai.googleblog.com/2023/01/google-research-2022.html', 'Blog', 'blog'],
    ['https://example.org/weights', 'Models', 'model'],
    ['https://example.org/data', 'Dataset', 'dataset'],
    ['https://example.org/try', 'Demo', 'demo'],
    ['https://example.org/whatever', 'Slides', 'other'],
  ];
  for (const [url, label, kind] of cases) it(`${label} ${url} → ${kind}`, () => assert.equal(classifyLink(url, label), kind));
});
