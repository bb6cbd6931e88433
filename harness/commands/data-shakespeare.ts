/**
 * npm run data:shakespeare -- [--out FILE] [--url URL]
 * Downloads tinyshakespeare (verified by SHA-256) to data/shakespeare/input.txt, or FILE; does nothing
 * when a verified copy is already there.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runMain } from '../cli.js';
import {
  CorpusError,
  CORPUS_URL,
  DEFAULT_CORPUS_PATH,
  downloadCorpus,
  readCorpus,
} from '../data/shakespeare.js';

const USAGE = 'usage: npm run data:shakespeare -- [--out FILE] [--url URL]';

function parseOptions(): { out: string; url: string } {
  try {
    const { values } = parseArgs({
      options: {
        out: { type: 'string', default: DEFAULT_CORPUS_PATH },
        url: { type: 'string', default: CORPUS_URL },
      },
    });
    return values;
  } catch (error) {
    throw new Error(`${(error as Error).message}; ${USAGE}`, { cause: error });
  }
}

await runMain(async () => {
  const values = parseOptions();
  const destination = path.resolve(values.out);
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
  await downloadCorpus(values.url, destination);
  process.stderr.write(`${destination}: downloaded from ${values.url} and verified\n`);
});
