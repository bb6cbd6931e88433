/**
 * npm run handout -- --out DIR
 * Writes the students' repository into DIR (new or empty): the five files to fill in, what a submission
 * may import, the ready-made code, the grader with the public fixtures, the Europe data, a package.json
 * with the students' scripts and its lock file, and the students' README. See build.ts for the rules.
 */
import { command, runCommand, userPath } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { buildHandout } from './build.js';

const program = command('handout', "Writes the students' repository into a new or empty folder.", [
  'npm run handout -- --out ../ex5-handout',
]).requiredOption('--out <dir>', 'the folder to write (new or empty)');

await runCommand<{ out: string }>(program, async (values) => {
  const out = userPath(values.out);
  const files = await buildHandout({ projectRoot: PROJECT_ROOT, out });
  process.stdout.write(
    `handout: ${files.length} files in ${out}\n` + `try it: cd ${out} && npm ci && npm run grade\n`,
  );
});
