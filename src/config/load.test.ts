import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpConfig, loadConfig } from './load.js';
import { PaperboyError } from '../errors.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.dataDir, './data');
    assert.equal(c.arxivUrl, 'https://export.arxiv.org/api/query');
    assert.equal(c.arxivIntervalMs, 3000);
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.debug, false);
  });

  it('takes the environment over the file over the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-cfg-'));
    const file = join(dir, 'paperboy.json');
    writeFileSync(file, JSON.stringify({ lang: 'ja', arxivIntervalMs: 100, dataDir: '/from/file' }));
    const c = loadConfig({ env: { PAPERBOY_CONFIG: file, PAPERBOY_DATA_DIR: '/from/env' } });
    assert.equal(c.dataDir, '/from/env');
    assert.equal(c.lang, 'ja');
    assert.equal(c.arxivIntervalMs, 100);
    assert.equal(c.sources.dataDir, 'env');
    assert.equal(c.sources.lang, 'file');
    assert.equal(c.sources.arxivUrl, 'default');
  });

  it('reports every bad option at once, by variable name', () => {
    assert.throws(
      () => loadConfig({ env: { PAPERBOY_ARXIV_URL: 'not a url', PAPERBOY_DATABASE_URL: 'mysql://x', PAPERBOY_LANG: 'Korean' } }),
      (e: unknown) => e instanceof PaperboyError && e.code === 'CONFIG_INVALID' && /PAPERBOY_ARXIV_URL/.test(e.message) && /PAPERBOY_DATABASE_URL/.test(e.message) && /PAPERBOY_LANG/.test(e.message),
    );
  });

  it('names a broken or unknown config file key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-cfg-'));
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    assert.throws(() => loadConfig({ env: { PAPERBOY_CONFIG: join(dir, 'bad.json') } }), /bad\.json: not valid JSON/);
    writeFileSync(join(dir, 'unknown.json'), '{"colour": "blue"}');
    assert.throws(() => loadConfig({ env: { PAPERBOY_CONFIG: join(dir, 'unknown.json') } }), /unknown option\(s\) colour/);
    assert.throws(() => loadConfig({ env: { PAPERBOY_CONFIG: join(dir, 'missing.json') } }), /missing\.json: cannot be read/);
  });

  it('redacts secrets in the dump', () => {
    const c = loadConfig({ env: { PAPERBOY_DATABASE_URL: 'postgres://user:pw@db:5432/x' } });
    const row = dumpConfig(c).find((r) => r.env === 'PAPERBOY_DATABASE_URL')!;
    assert.equal(row.value, 'postgres://****:****@db:5432/x');
    const q = loadConfig({ env: { PAPERBOY_DATABASE_URL: 'postgres://db:5432/x?password=pw&sslmode=require' } });
    assert.equal(dumpConfig(q).find((r) => r.env === 'PAPERBOY_DATABASE_URL')!.value, 'postgres://db:5432/x?password=****&sslmode=require');
  });
});
