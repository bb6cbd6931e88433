/**
 * npm run package:gradescope -- [--out FILE] [--hidden DIR]
 * Builds the zip to upload as a Gradescope programming assignment's autograder (default
 * out/autograder.zip). --hidden adds a TA's hidden fixtures (`npm run fixtures -- --hidden DIR --seed N`);
 * without it the hidden tests read the public fixtures.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { command, runCommand, userPath } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { buildAutograderZip } from './bundle.js';

interface Options {
  out?: string;
  hidden?: string;
}

const program = command(
  'package:gradescope',
  "Builds Gradescope's autograder.zip: the judge and the fixtures.",
  [
    'npm run package:gradescope',
    'npm run package:gradescope -- --hidden ../hidden-2027 --out ../autograder-2027.zip',
  ],
)
  .option('--out <file>', 'the zip to write (default: out/autograder.zip, which git ignores)')
  .option('--hidden <dir>', 'the hidden fixtures to include');

await runCommand<Options>(program, async (values) => {
  const out =
    values.out === undefined ? path.join(PROJECT_ROOT, 'out', 'autograder.zip') : userPath(values.out);
  await mkdir(path.dirname(out), { recursive: true });
  const names = await buildAutograderZip({
    projectRoot: PROJECT_ROOT,
    out,
    hiddenFixturesDir: values.hidden && userPath(values.hidden),
  });
  const hidden = names.filter((name) => name.startsWith('hidden-fixtures/')).length;
  process.stdout.write(
    `wrote ${out}: ${names.length} files` +
      (hidden > 0 ? `, ${hidden} hidden fixture files` : ', no hidden fixtures (--hidden DIR adds them)') +
      '\nupload it as the autograder of a Gradescope programming assignment (Ubuntu image)\n',
  );
});
