// Link kinds come from the URL first (a github.com link is code whatever its label) and the label second.
import type { Link, LinkKind } from './types.js';
import { arxivIdFromUrl } from './paper-key.js';

const HOST_KINDS: Array<[RegExp, LinkKind]> = [
  [/(^|\.)(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)$/, 'code'],
  [/(^|\.)(twitter\.com|x\.com|nitter\.net|threads\.net|bsky\.app)$/, 'tweet'],
  [/(^|\.)(arxiv\.org|openreview\.net|aclanthology\.org|biorxiv\.org|medrxiv\.org|ssrn\.com|doi\.org)$/, 'paper'],
  [/(^|\.)(paperswithcode\.com)$/, 'paper'],
];

const LABEL_KINDS: Array<[RegExp, LinkKind]> = [
  [/^(paper|papers|pdf|book|report|technical report|tech report|article|survey|preprint|arxiv)\b/i, 'paper'],
  [/^(code|github|repo|repository)\b/i, 'code'],
  [/^(tweet|thread|x|twitter)\b/i, 'tweet'],
  [/^(project|website|page|site|homepage|project page)\b/i, 'project'],
  [/^(blog|post|article|announcement|news)\b/i, 'blog'],
  [/^(model|models|weights|checkpoint)\b/i, 'model'],
  [/^(dataset|datasets|data|benchmark)\b/i, 'dataset'],
  [/^(demo|try it|playground|app|space)\b/i, 'demo'],
];

export function classifyLink(url: string, label: string): LinkKind {
  let u: URL | null = null;
  try {
    u = new URL(url);
  } catch {
    /* not a URL: fall back to the label */
  }
  const host = u ? u.hostname.toLowerCase() : '';
  if (u && host === 'huggingface.co') {
    const path = u.pathname;
    if (path.startsWith('/datasets/')) return 'dataset';
    if (path.startsWith('/spaces/')) return 'demo';
    if (path.startsWith('/papers/')) return 'paper';
    if (path.startsWith('/blog/')) return 'blog';
    return 'model';
  }
  if (u && arxivIdFromUrl(u)) return 'paper';
  for (const [re, kind] of HOST_KINDS) if (re.test(host)) return kind;
  const l = label.trim();
  for (const [re, kind] of LABEL_KINDS) if (re.test(l)) return kind;
  return 'other';
}

export function makeLink(label: string, url: string): Link {
  return { kind: classifyLink(url, label), label: label.trim(), url: url.trim() };
}
