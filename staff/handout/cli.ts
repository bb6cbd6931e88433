/**
 * npm run handout -- --out DIR
 * Writes the students' repository into DIR (new or empty): the five files to fill in, what a submission
 * may import, the ready-made code, the grader with the public fixtures, the Europe data, a package.json
 * with the students' scripts and its lock file, and the students' README. See build.ts for the rules.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runMain } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { buildHandout } from './build.js';

await runMain(async () => {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  if (values.out === undefined) throw new Error('usage: npm run handout -- --out DIR');
  const out = path.resolve(values.out);
  const files = await buildHandout({ projectRoot: PROJECT_ROOT, out });
  process.stdout.write(
    `handout: ${files.length} files in ${out}\n` + `try it: cd ${out} && npm ci && npm run grade\n`,
  );
});
