/**
 * npm run data:shakespeare -- [--out FILE] [--url URL]
 * Downloads tinyshakespeare (verified by SHA-256) to data/shakespeare/input.txt, or FILE; does nothing
 * when a verified copy is already there.
 */
import { existsSync } from 'node:fs';
import { command, runCommand, userPath } from '../cli.js';
import {
  CorpusError,
  CORPUS_URL,
  DEFAULT_CORPUS_PATH,
  downloadCorpus,
  readCorpus,
} from '../data/shakespeare.js';

interface Options {
  out?: string;
  url: string;
}

const program = command('data:shakespeare', 'Downloads tinyshakespeare and verifies its SHA-256.', [
  'npm run data:shakespeare',
  'npm run data:shakespeare -- --out ~/corpora/shakespeare.txt',
])
  .option('--out <file>', 'where to save it (default: data/shakespeare/input.txt)')
  .option('--url <url>', 'where to download it from', CORPUS_URL);

await runCommand<Options>(program, async (options) => {
  const destination = options.out === undefined ? DEFAULT_CORPUS_PATH : userPath(options.out);
  if (existsSync(destination)) {
    try {
      readCorpus(destination);
      process.stderr.write(`${destination}: already there and verified, nothing to do\n`);
      return;
    } catch (error) {
      if (!(error instanceof CorpusError)) throw error;
      process.stderr.write(`${destination}: not the verified corpus, downloading it again\n`);
    }
  }
  await downloadCorpus(options.url, destination);
  process.stderr.write(`${destination}: downloaded from ${options.url} and verified\n`);
});
