import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadMutants, mutate, MutantError, REFERENCE_DIR } from './mutants.js';

describe('the mutants', () => {
  const mutants = loadMutants();

  test('there are at least 60, in every group, with distinct names', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(60);
    expect(new Set(mutants.map((m) => m.group))).toEqual(
      new Set(['GMM', 'UMM', 'attention', 'GPT step', 'generation']),
    );
    expect(new Set(mutants.map((m) => m.name)).size).toBe(mutants.length);
  });

  test.each(mutants.map((m) => [m.name, m] as const))(
    '%s still applies to the reference',
    (_name, mutant) => {
      const source = readFileSync(path.join(REFERENCE_DIR, mutant.file), 'utf8');
      expect(mutate(mutant, source)).not.toBe(source);
    },
  );

  test('a find that does not match is an error naming the mutant', () => {
    const mutant = {
      name: 'stale',
      group: 'GMM' as const,
      file: 'gmm.ts',
      edits: [{ find: 'no such text', replace: '' }],
    };
    expect(() => mutate(mutant, 'source')).toThrow(MutantError);
    expect(() => mutate(mutant, 'source')).toThrow(
      'mutant "stale": "no such text" occurs 0 times in reference/gmm.ts',
    );
  });
});
