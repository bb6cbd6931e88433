/**
 * GPT checkpoints: a folder with `model.json` (format, config, vocabulary, the weights' names and shapes,
 * free-form info such as the epoch and its metrics) and `weights.bin` (every weight as little-endian
 * float32, in the order model.json lists them). Plain files, so any tool can read them.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { CausalSelfAttentionClass, GPTConfig } from '../../lib/contract.js';
import { Vocabulary } from '../data/shakespeare.js';
import { Rng } from '../../lib/random.js';
import { GPT } from '../../lib/gpt/model.js';
import { checkGPTConfig, gptWeightShapes, sameShape } from '../../lib/gpt/weights.js';

export const CHECKPOINT_FORMAT = 'ex5-gpt-checkpoint';
export const CHECKPOINT_VERSION = 1;
const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface Checkpoint {
  config: GPTConfig;
  vocabulary: Vocabulary;
  /** Weight values by name (row-major), in the order of lib/gpt/weights.ts. */
  weights: Record<string, Float32Array>;
  /** What the writer added: epoch, metrics, … */
  info: Record<string, unknown>;
}

interface ModelFile {
  format: string;
  version: number;
  config: GPTConfig;
  vocabulary: string[];
  weights: { name: string; shape: number[] }[];
  info: Record<string, unknown>;
}

/** Writes the model's weights, its config and the vocabulary into `dir` (created if needed). */
export function saveCheckpoint(
  dir: string,
  model: GPT,
  vocabulary: Vocabulary,
  info: Record<string, unknown> = {},
): void {
  if (vocabulary.size !== model.config.vocabSize) {
    throw new CheckpointError(
      `vocabulary of ${vocabulary.size} characters does not fit the model's vocabSize ${model.config.vocabSize}`,
    );
  }
  const weights = model.getWeights();
  const names = model.weightNames();
  const parts = names.map((name) => weights[name].dataSync() as Float32Array);
  const shapes = names.map((name) => ({ name, shape: weights[name].shape }));
  tf.dispose(Object.values(weights));
  const file: ModelFile = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    config: model.config,
    vocabulary: vocabulary.toJSON(),
    weights: shapes,
    info,
  };
  mkdirSync(dir, { recursive: true });
  const bytes = Buffer.concat(
    parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength)),
  );
  // weights first, model.json last (by rename): a folder with a model.json is always complete
  writeFileSync(path.join(dir, WEIGHTS_FILE), bytes);
  const temporary = path.join(dir, `${MODEL_FILE}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(file, null, 1)}\n`);
  renameSync(temporary, path.join(dir, MODEL_FILE));
}

function parseModelFile(file: string): ModelFile {
  if (!existsSync(file)) throw new CheckpointError(`${file}: not found (is this a checkpoint folder?)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CheckpointError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const model = parsed as Partial<ModelFile>;
  if (model?.format !== CHECKPOINT_FORMAT || model.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `${file}: not an ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION} file ` +
        `(format ${JSON.stringify(model?.format)}, version ${JSON.stringify(model?.version)})`,
    );
  }
  if (typeof model.config !== 'object' || !Array.isArray(model.weights)) {
    throw new CheckpointError(`${file}: config or weights list is missing`);
  }
  return model as ModelFile;
}

/** What the writer recorded in a checkpoint (epoch, metrics, the submission that trained it), weights unread. */
export function readCheckpointInfo(dir: string): Record<string, unknown> {
  return parseModelFile(path.join(dir, MODEL_FILE)).info ?? {};
}

/** Reads and checks a checkpoint folder: names and shapes against its config, file size, finite values. */
export function readCheckpoint(dir: string): Checkpoint {
  const modelPath = path.join(dir, MODEL_FILE);
  const model = parseModelFile(modelPath);
  let config: GPTConfig;
  let vocabulary: Vocabulary;
  try {
    config = checkGPTConfig(model.config, `${modelPath}: config`);
    vocabulary = Vocabulary.fromJSON(model.vocabulary);
  } catch (error) {
    throw new CheckpointError(
      error instanceof CheckpointError ? error.message : `${modelPath}: ${(error as Error).message}`,
    );
  }
  if (vocabulary.size !== config.vocabSize) {
    throw new CheckpointError(
      `${modelPath}: vocabulary has ${vocabulary.size} characters, config.vocabSize is ${config.vocabSize}`,
    );
  }
  const expected = gptWeightShapes(config);
  const listed = model.weights.map((w) => `${w?.name} [${w?.shape}]`).join(', ');
  const matches =
    model.weights.length === expected.length &&
    expected.every(
      ([name, shape], i) => model.weights[i]?.name === name && sameShape(model.weights[i].shape, shape),
    );
  if (!matches) {
    const wanted = expected.map(([name, shape]) => `${name} [${shape}]`).join(', ');
    throw new CheckpointError(
      `${modelPath}: weights do not match the config: listed ${listed}; expected ${wanted}`,
    );
  }
  const weightsPath = path.join(dir, WEIGHTS_FILE);
  if (!existsSync(weightsPath)) throw new CheckpointError(`${weightsPath}: not found`);
  const bytes = readFileSync(weightsPath);
  const total = expected.reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
  if (bytes.length !== total * 4) {
    throw new CheckpointError(
      `${weightsPath}: ${bytes.length} bytes, expected ${total * 4} (${total} float32)`,
    );
  }
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const weights: Record<string, Float32Array> = {};
  let offset = 0;
  for (const [name, shape] of expected) {
    const size = shape.reduce((a, b) => a * b, 1);
    weights[name] = values.subarray(offset, offset + size);
    const bad = weights[name].findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw new CheckpointError(`${weightsPath}: ${name}[${bad}] is ${weights[name][bad]}`);
    offset += size;
  }
  return { config, vocabulary, weights, info: model.info ?? {} };
}

/** Puts a checkpoint's weights into a model of the same config; a different config is an error. */
export function loadCheckpointInto(model: GPT, checkpoint: Checkpoint): void {
  for (const key of Object.keys(checkpoint.config) as (keyof GPTConfig)[]) {
    if (checkpoint.config[key] !== model.config[key]) {
      throw new CheckpointError(
        `checkpoint has ${key} = ${checkpoint.config[key]}, the model ${key} = ${model.config[key]}`,
      );
    }
  }
  const tensors = tf.tidy(() => {
    const shapes = new Map(gptWeightShapes(model.config));
    return Object.fromEntries(
      Object.entries(checkpoint.weights).map(([name, values]) => [name, tf.tensor(values, shapes.get(name))]),
    );
  });
  model.setWeights(tensors);
  tf.dispose(Object.values(tensors));
}

/** A GPT built from a checkpoint folder around the given attention class. */
export function restoreGPT(
  dir: string,
  Attention: CausalSelfAttentionClass,
): { model: GPT; vocabulary: Vocabulary; checkpoint: Checkpoint } {
  const checkpoint = readCheckpoint(dir);
  // the seed is irrelevant: every weight is overwritten
  const model = new GPT(checkpoint.config, Attention, new Rng(0));
  try {
    loadCheckpointInto(model, checkpoint);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, vocabulary: checkpoint.vocabulary, checkpoint };
}
