/**
 * npm run package:gradescope -- [--out autograder.zip] [--hidden DIR]
 * Builds the zip to upload as a Gradescope programming assignment's autograder. --hidden adds a TA's
 * hidden fixtures (`npm run fixtures -- --hidden DIR --seed N`); without it the hidden tests read the
 * public fixtures.
 */
import { parseArgs } from 'node:util';
import { runMain } from '../../harness/cli.js';
import { PROJECT_ROOT } from '../../harness/submission.js';
import { buildAutograderZip } from './bundle.js';

await runMain(async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'autograder.zip' },
      hidden: { type: 'string' },
    },
  });
  const names = await buildAutograderZip({
    projectRoot: PROJECT_ROOT,
    out: values.out,
    hiddenFixturesDir: values.hidden,
  });
  const hidden = names.filter((name) => name.startsWith('hidden-fixtures/')).length;
  process.stdout.write(
    `wrote ${values.out}: ${names.length} files` +
      (hidden > 0 ? `, ${hidden} hidden fixture files` : ', no hidden fixtures (--hidden DIR adds them)') +
      '\nupload it as the autograder of a Gradescope programming assignment (Ubuntu image)\n',
  );
});
