/**
 * The entry point run_autograder starts on Gradescope. EX5_AUTOGRADER_ROOT replaces /autograder (for a
 * local run or a test); EX5_TIMEOUT_S and EX5_MEMORY_MB replace the batch's default limits.
 */
import path from 'node:path';
import { runMain } from '../../harness/cli.js';
import { runAutograder } from './autograder.js';

await runMain(async () => {
  const root = process.env.EX5_AUTOGRADER_ROOT ?? '/autograder';
  const results = (await runAutograder(root)) as { score: number; output: string };
  process.stdout.write(
    `score ${results.score}; results in ${path.join(root, 'results', 'results.json')}\n${results.output}\n`,
  );
});
