import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTaxonomy, parseTaxonomy } from './topics.js';
import { DEFAULT_TOPICS } from '../domain/topics.js';
import { PaperboyError } from '../errors.js';

const refused = (text: string, pattern: RegExp) =>
  assert.throws(
    () => parseTaxonomy(text, 'topics.json'),
    (e: unknown) => e instanceof PaperboyError && e.code === 'CONFIG_INVALID' && pattern.test(e.message) && e.message.startsWith('topics.json: '),
  );

describe('taxonomy file', () => {
  it('reads an edited taxonomy, with names per language and defaults for missing lists', () => {
    const t = parseTaxonomy(JSON.stringify([{ slug: 'graphs', name: 'graphs', names: { ko: '그래프' }, phrases: ['graph neural network*'] }, { slug: 'theory', name: 'theory', categories: ['stat.ML'] }]), 'topics.json');
    assert.deepEqual(t, [
      { slug: 'graphs', name: 'graphs', names: { ko: '그래프' }, phrases: ['graph neural network*'], categories: [] },
      { slug: 'theory', name: 'theory', phrases: [], categories: ['stat.ML'] },
    ]);
  });
  it('the default taxonomy printed by `topics list --json` reads back unchanged', () => {
    assert.deepEqual(parseTaxonomy(JSON.stringify(DEFAULT_TOPICS), 'topics.json'), DEFAULT_TOPICS);
  });
  it('refuses what cannot work and says what and where', () => {
    refused('{ not json', /not JSON/);
    refused('[]', /at least one topic/);
    refused('{"slug":"x"}', /expected array/i);
    refused('[{"slug":"a","name":"A","phrases":["x"],"colour":"red"}]', /topics\[1\].*colour|Unrecognized key/i);
    refused('[{"slug":"a","name":"A","phrases":["x"],"categories":["CS CL"]}]', /topics\[1\]\.categories\[1\]: an arXiv category/);
    refused('[{"slug":"Bad Slug","name":"A","phrases":["x"]}]', /topic 1 \(Bad Slug\): the slug must be lower-case/);
    refused('[{"slug":"a","name":"A","phrases":["x"]},{"slug":"a","name":"B","phrases":["y"]}]', /topic 2 \(a\): the slug is used twice/);
    refused('[{"slug":"a","name":"A"}]', /no phrase and no category/);
    refused('[{"slug":"a","name":"A","phrases":["Upper"]}]', /phrase "Upper" must be lower-case/);
  });
  it('names the file it cannot read', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'pb-topics-')), 'none.json');
    assert.throws(() => loadTaxonomy(missing), /PAPERBOY_TOPICS_FILE .*none\.json: cannot read it \(ENOENT\)/);
    const file = join(mkdtempSync(join(tmpdir(), 'pb-topics-')), 't.json');
    writeFileSync(file, '[{"slug":"a","name":"A","phrases":["x"]}]');
    assert.equal(loadTaxonomy(file)[0]!.slug, 'a');
    assert.equal(loadTaxonomy(undefined), DEFAULT_TOPICS);
  });
});
