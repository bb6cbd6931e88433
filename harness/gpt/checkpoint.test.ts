import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CausalSelfAttention } from '../../reference/attention.js';
import type { GPTConfig } from '../../lib/contract.js';
import { Vocabulary } from '../data/shakespeare.js';
import { Rng } from '../../lib/random.js';
import { PROJECT_ROOT } from '../submission.js';
import { loadCheckpointInto, readCheckpoint, restoreGPT, saveCheckpoint } from './checkpoint.js';
import { GPT } from '../../lib/gpt/model.js';
import { sampleFromCheckpoint } from './sample.js';

const vocabulary = Vocabulary.fromText('abcdefgh ');
const config: GPTConfig = { vocabSize: vocabulary.size, blockSize: 4, nLayer: 2, nHead: 2, nEmbd: 8 };
let dir: string;
let checkpoint: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ex5-checkpoint-'));
  checkpoint = path.join(dir, 'epoch-01');
  const model = new GPT(config, CausalSelfAttention, new Rng(3));
  saveCheckpoint(checkpoint, model, vocabulary, { epoch: 1 });
  model.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the checkpoint with model.json changed by `edit`. */
function editedCopy(name: string, edit: (model: Record<string, unknown>) => void): string {
  const copy = path.join(dir, name);
  const model = JSON.parse(readFileSync(path.join(checkpoint, 'model.json'), 'utf8'));
  edit(model);
  saveRaw(copy, JSON.stringify(model), readFileSync(path.join(checkpoint, 'weights.bin')));
  return copy;
}

function saveRaw(folder: string, modelJson: string, weights: Buffer): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'model.json'), modelJson);
  writeFileSync(path.join(folder, 'weights.bin'), weights);
}

describe('GPT checkpoints', () => {
  test('restore gives the same weights, logits, vocabulary and info', () => {
    const original = new GPT(config, CausalSelfAttention, new Rng(3));
    const { model, vocabulary: restored, checkpoint: read } = restoreGPT(checkpoint, CausalSelfAttention);
    expect(restored.chars).toEqual(vocabulary.chars);
    expect(read.info).toEqual({ epoch: 1 });
    const idx = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    const [a, b] = [original, model].map((m) => tf.tidy(() => Array.from(m.logits(idx).dataSync())));
    expect(b).toEqual(a);
    tf.dispose(idx);
    original.dispose();
    model.dispose();
  });

  test('a checkpoint of another shape is an error naming the difference', () => {
    const other = new GPT({ ...config, nEmbd: 12 }, CausalSelfAttention, new Rng(1));
    expect(() => loadCheckpointInto(other, readCheckpoint(checkpoint))).toThrow(
      'checkpoint has nEmbd = 8, the model nEmbd = 12',
    );
    other.dispose();
    const relabelled = editedCopy('relabelled', (model) => ((model.config as GPTConfig).nEmbd = 12));
    expect(() => readCheckpoint(relabelled)).toThrow(/weights do not match the config/);
  });

  test('a truncated weights file, a wrong format or a missing folder is a clear error', () => {
    const truncated = path.join(dir, 'truncated');
    saveRaw(truncated, readFileSync(path.join(checkpoint, 'model.json'), 'utf8'), Buffer.alloc(100));
    expect(() => readCheckpoint(truncated)).toThrow(/weights.bin: 100 bytes, expected \d+/);
    const wrongFormat = editedCopy('format', (model) => (model.format = 'something else'));
    expect(() => readCheckpoint(wrongFormat)).toThrow(/not an ex5-gpt-checkpoint version 1 file/);
    expect(() => readCheckpoint(path.join(dir, 'absent'))).toThrow(/model.json: not found/);
  });

  test('sampling from it is reproducible; a prompt character outside the vocabulary is an error', async () => {
    const request = {
      checkpoint,
      submissionDir: path.join(PROJECT_ROOT, 'reference'),
      prompt: 'ab',
      length: 6,
      count: 2,
      seed: 5,
    };
    const sentences = await sampleFromCheckpoint({ ...request, topK: 3 });
    expect(sentences).toHaveLength(2);
    sentences.forEach((sentence) => expect(sentence).toMatch(/^ab[a-h ]{6}$/));
    expect(await sampleFromCheckpoint({ ...request, topK: 3 })).toEqual(sentences);
    await expect(sampleFromCheckpoint({ ...request, prompt: 'abz' })).rejects.toThrow(
      'prompt "abz": character "z" (U+007A) at position 2 is not in the vocabulary',
    );
    await expect(sampleFromCheckpoint({ ...request, topK: 0 })).rejects.toThrow(
      '--top-k must be an integer ≥ 1, got 0',
    );
  });
});
