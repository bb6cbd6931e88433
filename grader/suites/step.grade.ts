import * as tf from '@tensorflow/tfjs';
import type { TrainingModule } from '../../lib/contract.js';
import { GPT } from '../../lib/gpt/model.js';
import { Rng } from '../../lib/random.js';
import type { StepCase } from '../fixtures.js';
import { call, expectClose, expectTensor, fail, format, take, release } from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';
import { submission } from '../support/submission.js';

function inputs(c: StepCase): [tf.Tensor3D, tf.Tensor2D] {
  return [tf.tensor3d(c.logits), tf.tensor2d(c.targets, [c.targets.length, c.targets[0].length], 'int32')];
}

function checkLoss(training: TrainingModule, cases: StepCase[]): void {
  for (const c of cases) {
    const [B, T] = [c.targets.length, c.targets[0].length];
    const what = `gptLoss (fixture "${c.name}")`;
    const [loss] = take(
      expectTensor(
        what,
        call('gptLoss', () => training.gptLoss(...inputs(c))),
        [],
      ),
    );
    const near = (value: number) => Math.abs(loss - value) < 1e-3 * Math.abs(value);
    expectClose(what, [loss], [c.loss], {
      where: () => 'the scalar',
      hint: () =>
        near(c.loss * B * T)
          ? 'summed: average over all B·T positions'
          : near(c.loss * B) || near(c.loss * T)
            ? 'average over all B·T positions, not over one axis'
            : near(-c.loss)
              ? 'the loss is minus the mean log-probability'
              : 'the mean over all positions of −log softmax(logits)[target]',
    });
  }
}

function checkAccuracy(training: TrainingModule, cases: StepCase[]): void {
  for (const c of cases) {
    const what = `lastCharacterAccuracy (fixture "${c.name}")`;
    const result = call('lastCharacterAccuracy', () => training.lastCharacterAccuracy(...inputs(c)));
    const [accuracy] = take(expectTensor(what, result, []));
    expectClose(what, [accuracy], [c.accuracy], {
      where: () => 'the scalar',
      hint: () =>
        'the share of windows whose argmax at the last position is the last target; other positions do not count',
    });
  }
}

describe('GPT step', () => {
  gradeTest('step.loss', async () => checkLoss(await submission('training'), publicFixture('step').cases));

  gradeTest('step.accuracy', async () =>
    checkAccuracy(await submission('training'), publicFixture('step').cases),
  );

  gradeTest('step.hidden', async () => {
    const training = await submission('training');
    const { cases } = hiddenFixture('step');
    checkLoss(training, cases);
    checkAccuracy(training, cases);
  });

  // last: it runs the submission's attention, which could hang the suite
  // a tiny GPT learns to continue "abcdefg…" cyclically: 15 Adam steps lower the loss clearly
  gradeTest('step.training', async () => {
    const { CausalSelfAttention } = await submission('attention');
    const training = await submission('training');
    const config = { vocabSize: 7, blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 16 };
    const model = call(
      'new GPT(config, CausalSelfAttention, rng)',
      () => new GPT(config, CausalSelfAttention, new Rng(3)),
    );
    const optimizer = tf.train.adam(0.01);
    try {
      const rng = new Rng(4);
      const B = 16;
      const starts = Array.from({ length: B }, () => rng.int(config.vocabSize));
      const window = (shift: number) =>
        starts.map((start) =>
          Array.from({ length: config.blockSize }, (_, t) => (start + t + shift) % config.vocabSize),
        );
      const idx = tf.tensor2d(window(0), [B, config.blockSize], 'int32');
      const targets = tf.tensor2d(window(1), [B, config.blockSize], 'int32');
      const lossOf = () => call('gptLoss', () => training.gptLoss(model.logits(idx), targets));
      const [before] = take(expectTensor('gptLoss', lossOf(), []));
      const variables = model.variables();
      for (let step = 0; step < 15; step++)
        call('a training step', () => optimizer.minimize(lossOf, false, variables));
      const [after] = take(lossOf());
      if (!Number.isFinite(after) || after > before - 0.3)
        fail(
          `GPT training: gptLoss went from ${format(before)} to ${format(after)} in 15 Adam steps, expected a drop of at least 0.3 (are the loss and the attention differentiable, the attention's variables listed?)`,
        );
    } finally {
      optimizer.dispose();
      release(model);
    }
  });
});
