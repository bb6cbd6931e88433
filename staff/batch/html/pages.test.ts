import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PUBLIC_HIDDEN_NOTE } from '../../../grader/grade.js';
import { GROUPS, type GradeReport } from '../../../grader/results.js';
import { loadRubric } from '../../../grader/rubric.js';
import { describeWithBrowser, inspectPage, inspectSite } from '../../testing/browser.js';
import type { SubmissionOutcome } from '../outcome.js';
import { formatFeedback, formatHistogram, GRADEBOOK_COLUMNS, writeBatchResults } from '../writers.js';
import { feedbackPage } from './feedback.js';
import { scoreBins } from './histogram.js';
import { escapeHtml, html } from './html.js';
import { indexPage } from './overview.js';

/** What a hostile student might put in their README's name, a reason or a type error. */
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_LOGIN = '</style><script>alert(2)</script>';
const HOSTILE_REASON = '</style><script>alert(3)</script> & "quoted" \'too\'';

/** A report over the real rubric: every test passes but those in `failures` (id → reason). */
function report(failures: Record<string, string> = {}, notes: string[] = []): GradeReport {
  const tests = loadRubric().map((entry) => {
    const reason = failures[entry.id];
    return {
      id: entry.id,
      group: entry.group,
      name: entry.name,
      points: reason === undefined ? entry.points : 0,
      maxPoints: entry.points,
      passed: reason === undefined,
      hidden: entry.hidden,
      ...(reason !== undefined && { reason }),
    };
  });
  const groups = GROUPS.map((group) => {
    const of = tests.filter((test) => test.group === group);
    const sum = (key: 'points' | 'maxPoints') => of.reduce((total, test) => total + test[key], 0);
    return { group, points: sum('points'), maxPoints: sum('maxPoints') };
  });
  return {
    submission: 'staged',
    score: groups.reduce((total, group) => total + group.points, 0),
    maxScore: groups.reduce((total, group) => total + group.maxPoints, 0),
    groups,
    tests,
    notes: [PUBLIC_HIDDEN_NOTE, ...notes],
    sandbox: 'bwrap',
    status: 'graded',
    facts: {},
    timing: { totalS: 41.2, judgeS: 3.1, candidateStartS: 1.2, callsS: 36.9, starts: 1, calls: 48 },
  };
}

function graded(
  id: string,
  gradeReport: GradeReport,
  extra: Partial<SubmissionOutcome> = {},
): SubmissionOutcome {
  return {
    id,
    source: `ex5-${id}.zip`,
    status: 'graded',
    score: gradeReport.score,
    maxScore: gradeReport.maxScore,
    groups: gradeReport.groups,
    seconds: 40,
    peakRssMb: 900,
    sandbox: 'bwrap',
    report: gradeReport,
    ...extra,
  };
}

function ungraded(
  id: string,
  status: SubmissionOutcome['status'],
  reason: string,
  seconds = 0,
): SubmissionOutcome {
  return {
    id,
    source: `ex5-${id}.zip`,
    status,
    reason,
    score: 0,
    maxScore: 100,
    groups: [],
    seconds,
    peakRssMb: 0,
  };
}

const firstTwo = loadRubric().slice(0, 2);
const hiddenEntry = loadRubric().find((entry) => entry.hidden)!;
const OUTCOMES: SubmissionOutcome[] = [
  graded('1234567', report(), { name: 'Ada Lovelace', login: 'ada', seconds: 38.5 }),
  graded(
    '2345678',
    report({
      [firstTwo[0].id]: 'GMM.logLikelihood threw: not implemented',
      [hiddenEntry.id]: `${hiddenEntry.name}: wrong value at row 1`,
    }),
    { name: 'Alan Turing', login: 'alan', seconds: 52.25 },
  ),
  {
    ...graded('3456789', report({ [firstTwo[1].id]: HOSTILE_REASON }, [HOSTILE_NAME])),
    status: 'compile-error',
    name: HOSTILE_NAME,
    login: HOSTILE_LOGIN,
    reason: HOSTILE_REASON,
    typeErrors: [`gmm.ts:3:7 TS2322: Type '"${HOSTILE_NAME}"' is not assignable to type 'number'.`],
  },
  ungraded('4567890', 'timeout', 'killed after 600 s', 600.1),
  ungraded('5678901', 'unreadable', 'ex5-5678901.tar.gz: a .tar.gz archive, not a zip'),
  {
    ...ungraded('x.y-z_1', 'crashed', 'grader exited without a report (exit code 1; no output)', 3),
    name: 'Grace',
  },
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ex5-pages-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The hrefs of a page's links, as written. */
function hrefs(page: string): string[] {
  return [...page.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1]);
}

describe('the html template', () => {
  test('escapes every value, joins arrays, and keeps html values as markup', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${['a&b', inner, undefined, 3]}</p>`.markup).toBe(
      '<p title="&#34;x&#34;">a&#38;b<b>&#60;i&#62;</b>3</p>',
    );
    expect(escapeHtml(`<'&">`)).toBe('&#60;&#39;&#38;&#34;&#62;');
  });
});

describe('the batch pages', () => {
  test('gradebook.csv has id, name, login, total, each group, status and seconds', () => {
    expect(GRADEBOOK_COLUMNS).toEqual([
      'id',
      'name',
      'login',
      'total',
      'max',
      ...GROUPS,
      'status',
      'seconds',
      'sandbox',
    ]);
  });

  test('every student gets feedback/<id>.html beside the text, and index.html links to each', async () => {
    await writeBatchResults(dir, OUTCOMES);
    for (const outcome of OUTCOMES) {
      expect(existsSync(path.join(dir, 'feedback', `${outcome.id}.txt`))).toBe(true);
      expect(existsSync(path.join(dir, 'feedback', `${outcome.id}.html`))).toBe(true);
    }
    const index = readFileSync(path.join(dir, 'index.html'), 'utf8');
    const links = new Set(hrefs(index));
    expect(links).toEqual(
      new Set(['gradebook.csv', 'results.json', ...OUTCOMES.map((outcome) => `feedback/${outcome.id}.html`)]),
    );
    // nothing absolute and nothing off this machine: the folder can be zipped and moved
    for (const page of [
      index,
      ...OUTCOMES.map((o) => readFileSync(path.join(dir, 'feedback', `${o.id}.html`), 'utf8')),
    ]) {
      expect(page).not.toMatch(/(href|src)="(\/|[a-z]+:)/);
      expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg")/); // the SVG namespace is a name, never fetched
    }
  });

  test("a feedback page says what the text says: status, why, every test's points, each failure's reason, the notes", () => {
    for (const outcome of OUTCOMES) {
      const page = feedbackPage(outcome);
      const text = formatFeedback(outcome);
      expect(page).toContain(`${outcome.score}/${outcome.maxScore}`);
      expect(page).toContain(`>${escapeHtml(outcome.status)}</span>`);
      if (outcome.reason) {
        expect(text).toContain(outcome.reason);
        expect(page).toContain(escapeHtml(outcome.reason));
      }
      for (const error of outcome.typeErrors ?? []) expect(page).toContain(escapeHtml(error));
      for (const test of outcome.report?.tests ?? []) {
        expect(page).toContain(escapeHtml(test.name));
        expect(page).toContain(`${test.points}/${test.maxPoints}`);
        if (test.reason) expect(page).toContain(`→ ${escapeHtml(test.reason)}`);
      }
      for (const note of outcome.report?.notes ?? []) expect(page).toContain(`<li>${escapeHtml(note)}</li>`);
    }
    const alan = feedbackPage(OUTCOMES[1]);
    expect(alan).toContain(escapeHtml(PUBLIC_HIDDEN_NOTE));
    expect(alan).toContain('<span class="tag">hidden</span>');
    expect(alan).toContain('time: 41.2 s');
    expect(feedbackPage(OUTCOMES[3])).toContain('No tests ran');
  });

  test('what a submission wrote is text, never markup: a hostile name, login, reason and type error are escaped', () => {
    const hostile = OUTCOMES[2];
    for (const page of [feedbackPage(hostile), indexPage(OUTCOMES)]) {
      expect(page).not.toContain('<img');
      expect(page).not.toContain('<script');
      // the page's own style block is the only one, closed once
      expect(page.match(/<\/style>/g)).toHaveLength(1);
      expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;');
      expect(page).toContain('&#60;/style&#62;&#60;script&#62;alert(3)&#60;/script&#62;');
    }
    expect(indexPage(OUTCOMES)).toContain('&#60;/style&#62;&#60;script&#62;alert(2)&#60;/script&#62;');
  });

  test('the index lists what the submissions folder held that was no submission, with why, as text', () => {
    const skipped = [
      { name: 'notes.txt', reason: 'not a submission: a file that is not a zip' },
      { name: '<img src=x onerror=alert(4)>.zip', reason: 'not a zip: end of central directory not found' },
    ];
    const index = indexPage(OUTCOMES, skipped);
    const table = index.slice(index.indexOf('<h2 id="skipped">'), index.indexOf('<h2 id="slowest">'));
    expect(table).toContain('Skipped (2)');
    expect(table).toContain('notes.txt');
    expect(table).toContain('not a submission: a file that is not a zip');
    expect(table).toContain('&#60;img src=x onerror=alert(4)&#62;.zip');
    expect(index).not.toContain('<img');
    // nothing skipped: no section at all
    expect(indexPage(OUTCOMES)).not.toContain('id="skipped"');
  });

  test('the index counts each status, lists the failed with why and the slowest first', () => {
    const index = indexPage(OUTCOMES);
    const count = (status: string) =>
      new RegExp(`<span class="count">(\\d+)</span><span class="status [a-z]+">${status}</span>`).exec(
        index,
      )?.[1];
    expect(count('graded')).toBe('2');
    expect(count('compile-error')).toBe('1');
    expect(count('timeout')).toBe('1');
    expect(count('out-of-memory')).toBe('0');
    const failed = index.slice(
      index.indexOf('<table class="failed">'),
      index.indexOf('<table class="slowest">'),
    );
    expect(hrefs(failed)).toEqual(
      ['3456789', '4567890', '5678901', 'x.y-z_1'].map((id) => `feedback/${id}.html`),
    );
    expect(failed).toContain('killed after 600 s');
    expect(failed).toContain('a .tar.gz archive, not a zip');
    const slowest = index.slice(
      index.indexOf('<table class="slowest">'),
      index.indexOf('<table class="all">'),
    );
    expect(slowest).not.toContain('feedback/5678901.html'); // unreadable: it never ran
    expect(hrefs(slowest).slice(0, 3)).toEqual(
      ['4567890', '2345678', '3456789'].map((id) => `feedback/${id}.html`),
    );
  });

  test('the histogram has the terminal bars\u2019 bins, graded and other rows stacked', () => {
    const bins = scoreBins(OUTCOMES)!;
    const barCounts = formatHistogram(OUTCOMES)
      .split('\n')
      .map((line) => Number(line.trim().split(/\s+/).pop()));
    expect(bins.map((bin) => bin.count)).toEqual(barCounts);
    // three rows without a score in the first bin, the hostile compile error (98) and two graded in the last
    expect(bins[0]).toMatchObject({ from: 0, to: 10, count: 3, graded: 0 });
    expect(bins[9]).toMatchObject({ from: 90, to: 100, count: 3, graded: 2 });
    const svg = indexPage(OUTCOMES);
    expect(svg.match(/<g class="bin"/g)).toHaveLength(10);
    expect(scoreBins([])).toBeUndefined();
  });

  test('writing again (as --resume and --regrade do) rewrites index.html with every row', async () => {
    await writeBatchResults(dir, OUTCOMES.slice(0, 2));
    expect(hrefs(readFileSync(path.join(dir, 'index.html'), 'utf8'))).not.toContain('feedback/4567890.html');
    const regraded = { ...OUTCOMES[3], status: 'graded' as const, score: 77, reason: undefined };
    await writeBatchResults(dir, [...OUTCOMES.slice(0, 3), regraded, ...OUTCOMES.slice(4)]);
    const index = readFileSync(path.join(dir, 'index.html'), 'utf8');
    const all = index.slice(index.indexOf('<table class="all">'));
    expect(new Set(hrefs(all))).toEqual(new Set(OUTCOMES.map((outcome) => `feedback/${outcome.id}.html`)));
    const row = all.split('<tr>').find((tr) => tr.includes('feedback/4567890.html'));
    expect(row).toContain('<strong>77/100</strong>');
    expect(row).toContain('>graded</span>');
    expect(readFileSync(path.join(dir, 'feedback', '4567890.html'), 'utf8')).toContain('77/100');
  });
});

describeWithBrowser('the batch pages in a real browser', () => {
  test('index.html and every feedback page it links to: every link resolves, nothing fetched, nothing runs', async () => {
    await writeBatchResults(dir, OUTCOMES);
    const shots = path.join(dir, 'screenshots');
    const pages = await inspectSite(path.join(dir, 'index.html'), shots);
    expect([...pages.keys()].sort()).toEqual(
      ['index.html', ...OUTCOMES.map((outcome) => path.join('feedback', `${outcome.id}.html`))].sort(),
    );
    for (const [name, report] of pages) {
      expect({ name, ...report, text: undefined, localLinks: undefined }).toEqual({
        name,
        brokenImages: [],
        brokenLinks: [],
        externalRequests: [],
        dialogs: [],
        scriptCount: 0,
        imageCount: 0,
        linkCount: name === 'index.html' ? expect.any(Number) : 0,
        svgCount: name === 'index.html' ? 1 : 0,
        text: undefined,
        localLinks: undefined,
      });
      const png = path.join(shots, `${name.replaceAll(path.sep, '-').replace(/\.html$/, '')}.png`);
      expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
      expect(statSync(png).size).toBeGreaterThan(10_000);
    }
    const index = pages.get('index.html')!;
    expect(index.linkCount).toBeGreaterThan(OUTCOMES.length);
    // the hostile strings show as what they are: text
    expect(index.text).toContain(HOSTILE_NAME);
    expect(index.text).toContain(HOSTILE_LOGIN);
    expect(pages.get(path.join('feedback', '3456789.html'))!.text).toContain(HOSTILE_REASON);
  }, 60_000);

  test('a deleted feedback page is a broken link; a page that fetches from the network is caught', async () => {
    await writeBatchResults(dir, OUTCOMES);
    rmSync(path.join(dir, 'feedback', '2345678.html'));
    const report = await inspectPage(path.join(dir, 'index.html'), path.join(dir, 'index.png'));
    expect(new Set(report.brokenLinks)).toEqual(new Set([path.join('feedback', '2345678.html')]));
    // the checks themselves: a CDN stylesheet and a missing image are reported, not ignored
    const online = path.join(dir, 'online.html');
    writeFileSync(
      online,
      '<!DOCTYPE html><link rel="stylesheet" href="https://cdn.example.org/x.css"><img src="missing.png" alt="">',
    );
    const caught = await inspectPage(online, path.join(dir, 'online.png'));
    expect(caught.externalRequests).toEqual(['https://cdn.example.org/x.css']);
    expect(caught.brokenImages).toEqual(['missing.png']);
  }, 60_000);
});
