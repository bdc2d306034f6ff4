// `paperboy publish`: the one publish entry point; refuses what the checker or the editors have not cleared.
import { usage } from '../errors.js';
import { CHANNELS, publishEdition, type Channel } from '../pipeline/publish.js';
import { printJson, type Deps, type Outcome } from './deps.js';
import { editionForWeek } from './editions.js';
import { PARTIAL_EXIT } from './import.js';

export async function publishCommand(deps: Deps, opts: { week?: string; lang?: string; to?: string; allowDrafts?: boolean; json?: boolean }): Promise<Outcome> {
  const lang = opts.lang ?? deps.config.lang;
  const channels = (opts.to ?? 'web').split(',').map((c) => c.trim()).filter(Boolean);
  const unknown = channels.filter((c) => !(CHANNELS as readonly string[]).includes(c) && c !== 'all');
  if (unknown.length || !channels.length) throw usage(`--to ${opts.to}: the channels available are ${CHANNELS.join(', ')} (or all)`);
  const store = await deps.store();
  const edition = await editionForWeek(store, opts.week ?? 'latest');
  const r = await publishEdition(store, edition.id, { lang, channels: channels.includes('all') ? CHANNELS.filter((ch) => ch !== 'discourse' || deps.config.discourseUrl) : (channels as Channel[]), allowDrafts: !!opts.allowDrafts, now: deps.now, forum: () => deps.forum() });
  if (opts.json) printJson(deps.io, r);
  const where = (p: number | null, field: string) => (p === null ? field : `entry ${p} ${field}`);
  if (r.refused) {
    const f = r.refused;
    deps.io.err(`publish: refused ${r.edition.startDate}..${r.edition.endDate} (${lang}):`);
    if (f.noTexts) deps.io.err(`  there are no ${lang} texts in this edition; draft or import them first`);
    for (const e of f.errors) deps.io.err(`  #${e.id} ${where(e.position, e.field)}: open ${e.rule} error: ${e.message}`);
    for (const u of f.unchecked) deps.io.err(`  ${where(u.position, u.field)}: changed since its last check; run \`paperboy check --week ${r.edition.startDate} --lang ${lang}\``);
    if (f.drafts.length) deps.io.err(`  ${f.drafts.length} text(s) not approved by an editor (${f.drafts.slice(0, 5).map((d) => where(d.position, d.field)).join(', ')}${f.drafts.length > 5 ? ', …' : ''}); approve them or publish with --allow-drafts`);
    return { exitCode: PARTIAL_EXIT };
  }
  const forumNote = (p: (typeof r.published)[number]) => {
    const d = p.discourse;
    if (!d) return '';
    const what = { created: 'topic created', found: 'topic found by its external id', updated: 'posts updated', unchanged: 'the topic already says this' }[d.action];
    return `; ${what} (topic ${d.topicId}, ${d.parts} post${d.parts === 1 ? '' : 's'})`;
  };
  if (!opts.json) {
    for (const p of r.published) {
      const state = p.channel === 'discourse' ? (p.already ? 'already published' : `published at ${p.publishedAt}`) : p.already ? 'already published, nothing changed' : `published at ${p.publishedAt}`;
      deps.io.out(`publish: ${r.edition.startDate}..${r.edition.endDate} (${lang}) on ${p.channel}: ${state}${p.queued !== undefined ? `; ${p.queued} deliveries queued (\`paperboy send\` sends them)` : ''}${forumNote(p)}${r.allowDrafts ? ' (drafts allowed, marked as such)' : ''}`);
    }
  }
  for (const f of r.failed) deps.io.err(`publish: ${f.channel} failed: ${f.reason}${f.retryable ? ' (publish again later; nothing is posted twice)' : ''}`);
  return { exitCode: r.failed.length ? (r.failed.every((f) => f.retryable) ? 75 : 69) : 0 };
}
