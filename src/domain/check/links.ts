// Rule `links`: every link of the source is in the draft unchanged, and the draft adds none. Pure: no node:*,
// no I/O. Links are found and compared by draft-check's patterns (findLinks): scheme URLs, `//host`, `www.`
// hosts, `domain/path`, bare domains and e-mail addresses. A link is the same when its key is (scheme,
// `www.`, case, trailing punctuation and a Korean particle glued to the end aside: `…/AniDoc_demo.` =
// `…/AniDoc_demo에서`) and its path keeps its case (`/open-compass/GPassK`, not `/open-compass/gpassk`: a
// server may tell them apart). Findings, all errors:
//  * a link of the source missing from the draft (source span);
//  * a link of the source whose path changed case in the draft (both spans);
//  * a link in the draft that the source does not have (draft span).
// A summary (relation `summary`, a derived intro) need not carry the source's links: only the last two apply.
import { findLinks, type LinkMatch } from '../draft-check.js';
import type { Finding, Rule } from './types.js';

const quote = (s: string): string => JSON.stringify(s.length > 120 ? `${s.slice(0, 117)}...` : s);

/** The link as a server reads it: scheme and `www.` aside, the host in lower case, the path as written. */
function exact(l: LinkMatch): string {
  if (l.key.startsWith('mailto:')) return l.key;
  const rest = l.text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\/\//, '').replace(/^www\./i, '');
  const slash = rest.indexOf('/');
  const host = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  return host.toLowerCase() + path.replace(/\/+$/, '');
}

/** The matches of each key, in order of position. */
function byKey(links: readonly LinkMatch[]): Map<string, LinkMatch[]> {
  const out = new Map<string, LinkMatch[]>();
  for (const l of links) out.set(l.key, [...(out.get(l.key) ?? []), l]);
  return out;
}

export const linksRule: Rule = (input) => {
  const source = byKey(findLinks(input.source));
  const draft = byKey(findLinks(input.draft));
  const findings: Finding[] = [];
  for (const [key, [first, ...more]] of source) {
    const inDraft = draft.get(key);
    if (!inDraft) {
      if (input.relation === 'summary') continue;
      findings.push({ rule: 'links', severity: 'error', message: `the link ${quote(first!.text)} from the source is not in the draft`, sourceSpan: [first!.start, first!.end], draftSpan: null });
      continue;
    }
    const written = new Set([first!, ...more].map(exact));
    const changed = inDraft.find((l) => !written.has(exact(l)));
    if (changed) {
      findings.push({
        rule: 'links',
        severity: 'error',
        message: `the link ${quote(first!.text)} from the source is written ${quote(changed.text)} in the draft`,
        sourceSpan: [first!.start, first!.end],
        draftSpan: [changed.start, changed.end],
      });
    }
  }
  for (const [key, [first]] of draft) {
    if (source.has(key)) continue;
    findings.push({ rule: 'links', severity: 'error', message: `the link ${quote(first!.text)} in the draft is not in the source`, sourceSpan: null, draftSpan: [first!.start, first!.end] });
  }
  return findings;
};
