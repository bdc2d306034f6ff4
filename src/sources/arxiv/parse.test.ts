import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PaperboyError } from '../../errors.js';
import { parseArxivFeed, type ArxivRecord } from './parse.js';

const DATA = fileURLToPath(new URL('../../../../shared/data/arxiv/', import.meta.url));
const RECORDED = `${DATA}arxiv.py-recorded-2026/`;
const LEGACY = `${DATA}arxiv.py-legacy-2016/`;
const read = (path: string) => readFileSync(path, 'utf8');

interface Expect {
  entries: number;
  totalResults: number;
  errors?: Array<{ id: string | null; message: string }>;
  /** index of one entry to check, and the fields it must have */
  check?: [number, Partial<ArxivRecord>];
  /** a second entry to check */
  check2?: [number, Partial<ArxivRecord>];
}

/** What each stored file holds (counts checked against `grep -c '<entry>'`). */
const RECORDED_FILES: Record<string, Expect> = {
  'id_0000.0000_s0_m100_8b51d9633a68.xml': { entries: 0, totalResults: 0 },
  'id_0808.05394_s0_m100_7b0c7d0a7cdd.xml': { entries: 0, totalResults: 0 },
  'id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.xml': {
    entries: 1,
    totalResults: 1,
    check: [0, { arxivId: '1707.08567', version: 1, title: 'Proceedings of Workshop AEW10: Concepts in Information Theory and Communications', categories: ['cs.IT'], publishedAt: '2017-07-27T08:18:33Z' }],
  },
  'id_1605.08386_s0_m100_199195aa31ad.xml': {
    entries: 1,
    totalResults: 1,
    check: [
      0,
      {
        arxivId: '1605.08386',
        version: 1,
        title: 'Heat-bath random walks with Markov bases',
        authors: ['Caprice Stanley', 'Tobias Windisch'],
        categories: ['math.CO', 'math.ST'],
        primaryCategory: 'math.CO',
        publishedAt: '2016-05-26T17:59:46Z',
        updatedAt: '2016-05-26T17:59:46Z',
        absUrl: 'https://arxiv.org/abs/1605.08386v1',
        pdfUrl: 'https://arxiv.org/pdf/1605.08386v1',
        comment: '20 pages, 3 figures',
        doi: null,
      },
    ],
  },
  'id_1707.08567_s0_m100_6a1afebfc6a3.xml': {
    entries: 1,
    totalResults: 1,
    check: [0, { arxivId: '1707.08567', primaryCategory: 'cs.IT', comment: '44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck' }],
  },
  'id_2104.12255v1_s0_m100_6ae69987ffe1.xml': {
    entries: 1,
    totalResults: 1,
    // the title is the string "0", not a number and not empty
    check: [0, { arxivId: '2104.12255', version: 1, title: '0', authors: ['Quan Thoi Minh Nguyen'], categories: ['cs.CR'], publishedAt: '2021-04-20T16:07:14Z' }],
  },
  'id_abc_s0_m100_b79c8dcf6bc3.xml': {
    entries: 0,
    totalResults: 1,
    errors: [{ id: 'abc', message: 'incorrect id format for abc' }],
  },
  'id_astro-ph_0601001_s0_m100_3150dca9dc76.xml': {
    entries: 1,
    totalResults: 1,
    check: [
      0,
      {
        arxivId: 'astro-ph/0601001',
        version: 1,
        title: 'Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys Toward the Galactic Bulge and Carina',
        authors: ['Andrew Gould', 'Susan Dorsher', 'B. Scott Gaudi', 'Andrzej Udalski'],
        categories: ['astro-ph'],
        publishedAt: '2006-01-02T14:57:58Z',
        absUrl: 'https://arxiv.org/abs/astro-ph/0601001v1',
        pdfUrl: 'https://arxiv.org/pdf/astro-ph/0601001v1',
      },
    ],
  },
  'id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml': {
    entries: 1,
    totalResults: 1,
    check: [
      0,
      {
        arxivId: 'quant-ph/0201082',
        version: 1,
        title: 'Quantum Computers and Quantum Computer Languages: Quantum Assembly Language and Quantum C Language',
        authors: ['Stephen Blaha'],
        categories: ['quant-ph', 'cs.PL'],
        primaryCategory: 'quant-ph',
        publishedAt: '2002-01-18T15:08:05Z',
        comment: '32 pages',
      },
    ],
  },
  'q_testing_s0_m100_cfe7536492ca.xml': {
    entries: 100,
    totalResults: 214881,
    check: [
      0,
      {
        arxivId: '2202.12139',
        title: 'Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques',
        authors: ['Mohit Kumar Ahuja', 'Arnaud Gotlieb', 'Helge Spieker'],
        categories: ['cs.SE', 'cs.LG'],
        publishedAt: '2022-02-24T15:05:19Z',
        doi: '10.1109/ICSTW55395.2022.00035',
        comment: 'Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022',
      },
    ],
    check2: [
      99,
      {
        arxivId: 'gr-qc/0103067',
        version: 1,
        title: 'Principles of Equivalence: Their Role in Gravitation Physics and Experiments that Test Them',
        categories: ['gr-qc'],
        publishedAt: '2001-03-17T21:54:18Z',
        doi: '10.1007/3-540-40988-2_10',
      },
    ],
  },
  'q_testing_s0_m10_bc5a6c384fe9.xml': {
    entries: 10,
    totalResults: 214881,
    check: [9, { arxivId: '1812.11470', title: 'A Systematic Literature Review of Automated Techniques for Functional GUI Testing of Mobile Applications', categories: ['cs.SE'], publishedAt: '2018-12-30T04:50:20Z' }],
  },
  'q_testing_s0_m15_80c242b59d59.xml': {
    entries: 15,
    totalResults: 214881,
    check: [14, { arxivId: '1912.04900', title: 'Datamorphic Testing: A Methodology for Testing AI Applications', categories: ['cs.SE', 'cs.AI'] }],
  },
  'q_testing_s10_m10_34e56e15aaac.xml': {
    entries: 10,
    totalResults: 214881,
    check: [
      0,
      {
        arxivId: '2403.16981',
        version: 2,
        title: 'The Sample Complexity of Simple Binary Hypothesis Testing',
        categories: ['math.ST', 'cs.IT', 'stat.ML'],
        publishedAt: '2024-03-25T17:42:32Z',
        updatedAt: '2025-05-24T05:50:33Z',
      },
    ],
    // non-ASCII author name survives (UTF-8 body)
    check2: [9, { arxivId: '2202.06271', title: 'Model-based Testing of Scratch Programs' }],
  },
  'q_testing_s20_m10_348a237fecab.xml': {
    entries: 10,
    totalResults: 214881,
    check: [0, { arxivId: '2008.01944', categories: ['q-bio.QM', 'cs.IT', 'eess.SP', 'stat.AP'], primaryCategory: 'q-bio.QM', comment: 'group testing design, COVID-19' }],
    check2: [9, { arxivId: '2602.15552', publishedAt: '2026-02-17T12:57:17Z' }],
  },
  'q_testing_s30_m10_f2e39f0143dc.xml': {
    entries: 10,
    totalResults: 214881,
    check: [0, { arxivId: '2101.12036', title: 'PatrIoT: IoT Automated Interoperability and Integration Testing Framework' }],
  },
  'q_testing_s40_m10_96dd32eb854c.xml': {
    entries: 10,
    totalResults: 214881,
    check: [9, { arxivId: '2107.07364', categories: ['cs.SE', 'cs.LG'], publishedAt: '2021-07-05T07:17:49Z' }],
  },
  'q_testing_s50_m10_7f488ab8598c.xml': {
    entries: 10,
    totalResults: 214881,
    check: [0, { arxivId: '1709.03221', title: 'Fairness Testing: Testing Software for Discrimination', doi: '10.1145/3106237.3106277' }],
    check2: [9, { arxivId: '2101.09077', title: 'An Empirical Study of Flaky Tests in Python', doi: '10.1109/ICST49551.2021.00026' }],
  },
  'q_testing_s5_m10_c0e94a259d4a.xml': {
    entries: 10,
    totalResults: 214881,
    check: [0, { arxivId: '1202.4527', title: 'Study Paper on Test Case generation for GUI Based Testing', authors: ['A. Isabella', 'Emi Retna'] }],
  },
  'q_testing_s5_m15_bbcf6b23085b.xml': {
    entries: 15,
    totalResults: 214881,
    check: [14, { arxivId: '2202.06271', publishedAt: '2022-02-13T09:42:13Z' }],
  },
  'q_testing_s9_m15_0b78d4b4d476.xml': {
    entries: 15,
    totalResults: 214881,
    check: [0, { arxivId: '1812.11470' }],
    check2: [14, { arxivId: '1908.03707', title: 'Mutation Testing for Ethereum Smart Contract', publishedAt: '2019-08-10T07:50:33Z' }],
  },
};

const LEGACY_FILES: Record<string, Expect> = {
  'id_list=1111.2011v2.xml': {
    entries: 1,
    totalResults: 1,
    check: [
      0,
      {
        arxivId: '1111.2011',
        version: 2,
        // hard-wrapped over two lines in the file
        title: 'Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit',
        authors: ['James M. Murray', 'Adrian Del Maestro', 'Zlatko Tesanovic'],
        categories: ['cond-mat.str-el', 'cond-mat.stat-mech'],
        primaryCategory: 'cond-mat.str-el',
        publishedAt: '2011-11-08T18:48:36Z',
        updatedAt: '2012-04-02T12:38:54Z',
        absUrl: 'http://arxiv.org/abs/1111.2011v2',
        pdfUrl: 'http://arxiv.org/pdf/1111.2011v2',
        comment: '8 pages, 3 figures. Published version',
        doi: '10.1103/PhysRevB.85.115117',
      },
    ],
  },
  'search_query=au_del_maestro.xml': {
    entries: 10,
    totalResults: 31,
    check: [0, { arxivId: '1201.4869', title: 'A Luttinger Liquid Core Inside Helium-4 Filled Nanopores', authors: ['Adrian Del Maestro'], doi: '10.1142/S021797921244002X' }],
    check2: [1, { arxivId: 'cond-mat/0412498', version: 1, title: 'Thermal melting of density waves on the square lattice', publishedAt: '2004-12-19T16:18:24Z' }],
  },
  'search_query=au_del_maestro_ANDNOT__28ti_checkerboard_OR_ti_Pyrochlore_29.xml': {
    entries: 10,
    totalResults: 24,
    check: [9, { arxivId: '1111.2011', version: 2 }],
  },
  'search_query=au_del_maestro_AND_ti__quantum_criticality_.xml': {
    entries: 2,
    totalResults: 2,
    check: [
      1,
      {
        arxivId: 'cond-mat/0607501',
        version: 2,
        title: 'A striped supersolid phase and the search for deconfined quantum criticality in hard-core bosons on the triangular lattice',
        authors: ['R. G. Melko', 'A. Del Maestro', 'A. A. Burkov'],
        categories: ['cond-mat.str-el'],
        publishedAt: '2006-07-19T20:12:54Z',
      },
    ],
  },
  'search_query=au_del_maestro_AND_ti_checkerboard.xml': {
    entries: 1,
    totalResults: 1,
    check: [0, { arxivId: 'cond-mat/0603029', title: 'From stripe to checkerboard order on the square lattice in the presence of quenched disorder', categories: ['cond-mat.str-el', 'cond-mat.supr-con'] }],
  },
};

function checkFile(path: string, want: Expect) {
  const feed = parseArxivFeed(read(path));
  assert.equal(feed.entries.length, want.entries, 'entry count');
  assert.equal(feed.totalResults, want.totalResults, 'totalResults');
  assert.deepEqual(feed.errors, want.errors ?? []);
  for (const c of [want.check, want.check2]) {
    if (!c) continue;
    const [i, fields] = c;
    const got = feed.entries[i];
    assert.ok(got, `entry #${i} exists`);
    for (const [k, v] of Object.entries(fields)) {
      assert.deepEqual(got[k as keyof ArxivRecord], v, `entry #${i} ${k}`);
    }
  }
  for (const e of feed.entries) {
    // invariants on every entry of every file
    assert.doesNotMatch(e.arxivId, /v\d+$/, `${e.arxivId} has no version`);
    assert.match(e.arxivId, /^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})$/);
    assert.ok(e.title.length > 0 && e.title === e.title.trim() && !/\s{2}|\n/.test(e.title), `title of ${e.arxivId} collapsed`);
    assert.ok(e.abstract.length > 0 && !/\s{2}|\n/.test(e.abstract), `abstract of ${e.arxivId} collapsed`);
    assert.ok(e.authors.length > 0, `${e.arxivId} has authors`);
    assert.ok(e.categories.length > 0, `${e.arxivId} has categories`);
    assert.ok(e.primaryCategory !== null && e.categories.includes(e.primaryCategory));
    assert.match(e.absUrl, /^https?:\/\/arxiv\.org\/abs\//);
    assert.match(e.publishedAt ?? '', /^\d{4}-\d\d-\d\dT/);
  }
}

describe('parseArxivFeed on the 2026 recordings', () => {
  const files = readdirSync(RECORDED).filter((f) => f.endsWith('.xml'));
  test('every recorded file has an expectation', () => {
    assert.deepEqual(files.sort(), Object.keys(RECORDED_FILES).sort());
  });
  for (const [file, want] of Object.entries(RECORDED_FILES)) {
    test(file, () => checkFile(RECORDED + file, want));
  }
});

describe('parseArxivFeed on the 2016 legacy feeds', () => {
  const files = readdirSync(LEGACY).filter((f) => f.endsWith('.xml'));
  test('every legacy file has an expectation', () => {
    assert.deepEqual(files.sort(), Object.keys(LEGACY_FILES).sort());
  });
  for (const [file, want] of Object.entries(LEGACY_FILES)) {
    test(file, () => checkFile(LEGACY + file, want));
  }

  test('hard-wrapped abstract becomes one line', () => {
    const [e] = parseArxivFeed(read(`${LEGACY}id_list=1111.2011v2.xml`)).entries;
    assert.ok(e);
    assert.ok(e.abstract.startsWith('Theoretical description of anisotropic systems, such as layered superconductors and coupled'));
    assert.ok(e.abstract.endsWith('is similar to adding a single extra dimension to the theory describing a single node.'));
  });
});

describe('parseArxivFeed details', () => {
  test('non-ASCII text and entities are decoded', () => {
    const feed = parseArxivFeed(read(`${RECORDED}id_1707.08567_s0_m100_6a1afebfc6a3.xml`));
    assert.ok(feed.entries[0]?.authors.includes('Dirk Wübben'));
    const hj = parseArxivFeed(read(`${RECORDED}id_astro-ph_0601001_s0_m100_3150dca9dc76.xml`)).entries[0];
    assert.match(hj?.abstract ?? '', /Gould & Morgan \(2003\)/);
    assert.match(hj?.abstract ?? '', /V_max<17\.5/);
  });

  test('numeric character references are decoded once', () => {
    const xml = atom(entryXml({ title: 'Caf&#233; &amp;#233; &#x41;' }));
    assert.equal(parseArxivFeed(xml).entries[0]?.title, 'Café &#233; A');
  });

  test('the error feed gives an error, not an entry', () => {
    const feed = parseArxivFeed(read(`${RECORDED}id_abc_s0_m100_b79c8dcf6bc3.xml`));
    assert.deepEqual(feed.entries, []);
    assert.deepEqual(feed.errors, [{ id: 'abc', message: 'incorrect id format for abc' }]);
  });

  test('an error that names no id has id null', () => {
    const xml = atom(
      `<entry><id>https://arxiv.org/api/errors#max_results_must_be_an_integer</id><title>Error</title><summary>max_results must be an integer</summary></entry>`,
    );
    assert.deepEqual(parseArxivFeed(xml).errors, [{ id: null, message: 'max_results must be an integer' }]);
  });

  test('a bad entry is reported and its siblings are kept', () => {
    const xml = atom(
      entryXml({ id: 'http://arxiv.org/abs/2401.00001v3' }) +
        `<entry><title>no id here</title></entry>` +
        entryXml({ id: 'http://example.org/not-arxiv' }) +
        entryXml({ id: 'http://arxiv.org/abs/2401.00002', title: '   ' }) +
        entryXml({ id: 'http://arxiv.org/abs/2401.00003v1' }),
    );
    const feed = parseArxivFeed(xml);
    assert.deepEqual(
      feed.entries.map((e) => [e.arxivId, e.version]),
      [
        ['2401.00001', 3],
        ['2401.00003', 1],
      ],
    );
    assert.equal(feed.errors.length, 3);
    assert.match(feed.errors[0]!.message, /entry #2 is malformed: id/);
    assert.match(feed.errors[1]!.message, /not-arxiv.*not an arXiv abstract URL/);
    assert.deepEqual(feed.errors[2], { id: '2401.00002', message: 'entry 2401.00002 has no title' });
  });

  test('optional fields absent → null / empty', () => {
    const xml = atom(
      `<entry><id>http://arxiv.org/abs/2401.00001</id><title>T</title></entry>`,
    );
    const [e] = parseArxivFeed(xml).entries;
    assert.deepEqual(e, {
      arxivId: '2401.00001',
      version: null,
      title: 'T',
      abstract: '',
      authors: [],
      categories: [],
      primaryCategory: null,
      publishedAt: null,
      updatedAt: null,
      absUrl: 'http://arxiv.org/abs/2401.00001',
      pdfUrl: null,
      comment: null,
      doi: null,
    });
  });

  test('a feed without totalResults → null', () => {
    assert.equal(parseArxivFeed('<feed xmlns="http://www.w3.org/2005/Atom"></feed>').totalResults, null);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['empty body', '', /empty/],
    ['plain text', 'Rate exceeded.', /not well-formed XML/],
    ['HTML error page', '<html><body><h1>503 Service Unavailable</h1><p>busy<br></p></body></html>', /not well-formed XML|not an Atom feed/],
    ['XHTML page', '<html><body><p>busy</p></body></html>', /not an Atom feed: root element is <html>/],
    ['truncated feed', read(`${RECORDED}id_1605.08386_s0_m100_199195aa31ad.xml`).slice(0, 900), /not well-formed XML/],
    ['JSON', '{"error":"nope"}', /not well-formed XML/],
  ];
  for (const [name, body, re] of bad) {
    test(`${name} → UPSTREAM_ERROR`, () => {
      assert.throws(
        () => parseArxivFeed(body),
        (err: unknown) => err instanceof PaperboyError && err.code === 'UPSTREAM_ERROR' && re.test(err.message),
      );
    });
  }
});

function entryXml(o: { id?: string; title?: string }): string {
  return `<entry>
    <id>${o.id ?? 'http://arxiv.org/abs/2401.00001v1'}</id>
    <title>${o.title ?? 'A title'}</title>
    <summary>An abstract.</summary>
    <author><name>A. Author</name></author>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <arxiv:primary_category term="cs.LG"/>
    <published>2024-01-01T00:00:00Z</published>
  </entry>`;
}

function atom(entries: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <opensearch:totalResults>1</opensearch:totalResults>
  ${entries}
</feed>`;
}
