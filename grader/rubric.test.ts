import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CALL_SECONDS, loadRubric, idOfTitle, testTitle } from './rubric.js';
import { suiteOf } from './scorer.js';

describe('the rubric', () => {
  const rubric = loadRubric();

  test('gives 100 points in all, in every group', () => {
    expect(rubric.reduce((total, entry) => total + entry.points, 0)).toBe(100);
    expect(new Set(rubric.map((entry) => entry.group)).size).toBe(5);
  });

  test('every rubric id is a gradeTest in the suite its prefix names, and every gradeTest is in the rubric', () => {
    const suitesDir = new URL('./suites/', import.meta.url);
    const defined = readdirSync(suitesDir).flatMap((file) =>
      [...readFileSync(new URL(file, suitesDir), 'utf8').matchAll(/gradeTest\(\s*'([^']+)'/g)].map((m) => ({
        id: m[1],
        file,
      })),
    );
    expect(defined.map((d) => d.id).sort()).toEqual(rubric.map((entry) => entry.id).sort());
    for (const { id, file } of defined) expect(suiteOf(id)).toBe(file);
  });

  test('titles carry the id, and the id is found again', () => {
    for (const entry of rubric) expect(idOfTitle(testTitle(entry))).toBe(entry.id);
    expect(idOfTitle('a title without an id')).toBeUndefined();
  });

  test('every call limit (callSeconds) is a number of seconds, and a bad one is an error naming the entry', () => {
    for (const entry of rubric) expect(entry.callSeconds ?? DEFAULT_CALL_SECONDS).toBeGreaterThanOrEqual(5);
    const bad = path.join(mkdtempSync(path.join(os.tmpdir(), 'ex5-rubric-')), 'rubric.json');
    writeFileSync(
      bad,
      JSON.stringify({ tests: [{ id: 'gmm.a', group: 'GMM', points: 1, name: 'a', callSeconds: '20' }] }),
    );
    expect(() => loadRubric(bad)).toThrow(/tests\[0\] \(gmm\.a\): bad callSeconds 20/);
    rmSync(path.dirname(bad), { recursive: true, force: true });
  });

  test('a bad rubric is an error naming the entry', () => {
    const file = new URL('./testdata/bad-rubric.json', import.meta.url);
    expect(() => loadRubric(file)).toThrow(/tests\[1\] \(gmm\.b\): unknown group Gaussian/);
  });
});
