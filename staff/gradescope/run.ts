/**
 * The entry point run_autograder starts on Gradescope. EX5_AUTOGRADER_ROOT replaces /autograder (for a
 * local run or a test); EX5_TIMEOUT_S and EX5_MEMORY_MB replace the batch's default limits;
 * `run_autograder --no-sandbox` grades even where no sandbox can start (the results say so).
 */
import path from 'node:path';
import { runMain } from '../../harness/cli.js';
import { runAutograder } from './autograder.js';

await runMain(async () => {
  const root = process.env.EX5_AUTOGRADER_ROOT ?? '/autograder';
  // --no-sandbox: the TA accepts grading where neither bubblewrap nor a dedicated uid is available
  const allowNoSandbox = process.argv.includes('--no-sandbox');
  const results = (await runAutograder(root, { allowNoSandbox })) as { score: number; output: string };
  process.stdout.write(
    `score ${results.score}; results in ${path.join(root, 'results', 'results.json')}\n${results.output}\n`,
  );
});
