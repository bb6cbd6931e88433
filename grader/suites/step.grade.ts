import type { StepCase } from '../fixtures.js';
import { askRecord, askReturned, read } from '../support/calls.js';
import { caseLabel, expectClose, expectTensor, fail, format, position3 } from '../support/check.js';
import { gradeTest, hiddenFixture, publicFixture } from '../support/grade-test.js';

async function checkLoss(cases: StepCase[]): Promise<void> {
  for (const [index, c] of cases.entries()) {
    const [B, T] = [c.targets.length, c.targets[0].length];
    const what = `gptLoss (${caseLabel(c.name, index)})`;
    const result = await askReturned('training.gptLoss', { logits: c.logits, targets: c.targets });
    const [loss] = expectTensor(what, result, []);
    const near = (value: number) => Math.abs(loss - value) < 1e-3 * Math.abs(value);
    expectClose(what, [loss], [c.loss], {
      where: () => 'the scalar',
      hint: () =>
        !Number.isFinite(loss)
          ? 'not finite for large logits: use tf.logSoftmax, not tf.log(tf.softmax(...))'
          : near(c.loss * B * T)
            ? 'summed: average over all B·T positions'
            : near(c.loss * B) || near(c.loss * T)
              ? 'average over all B·T positions, not over one axis'
              : near(-c.loss)
                ? 'the loss is minus the mean log-probability'
                : 'the mean over all positions of −log softmax(logits)[target]',
    });
  }
}

async function checkAccuracy(cases: StepCase[]): Promise<void> {
  for (const [index, c] of cases.entries()) {
    const what = `lastCharacterAccuracy (${caseLabel(c.name, index)})`;
    const result = await askReturned('training.lastCharacterAccuracy', {
      logits: c.logits,
      targets: c.targets,
    });
    const [accuracy] = expectTensor(what, result, []);
    expectClose(what, [accuracy], [c.accuracy], {
      where: () => 'the scalar',
      hint: () =>
        'the share of windows whose argmax at the last position is the last target; other positions do not count',
    });
  }
}

/** d gptLoss / d logits through the submission's loss: the tape must reach the logits. */
async function checkGradient(cases: StepCase[]): Promise<void> {
  for (const [index, c] of cases.entries()) {
    const [B, T, V] = [c.logits.length, c.logits[0].length, c.logits[0][0].length];
    const what = `gradient of gptLoss with respect to the logits (${caseLabel(c.name, index)})`;
    const result = await askReturned('training.gptLossGradient', { logits: c.logits, targets: c.targets });
    expectClose(what, expectTensor(what, result, [B, T, V]), c.gradient.flat(2), {
      where: position3(T, V),
      hint: (actual, expected) =>
        !Number.isFinite(actual)
          ? 'not finite: use tf.logSoftmax, not tf.log(tf.softmax(...))'
          : Math.abs(actual - expected * B * T) < 1e-3 * Math.abs(expected * B * T)
            ? 'summed: average over all B·T positions'
            : 'the gradient of the mean cross-entropy is (softmax − one-hot) / (B·T)',
    });
  }
}

describe('GPT step', () => {
  gradeTest('step.loss', () => checkLoss(publicFixture('step').cases));

  gradeTest('step.accuracy', () => checkAccuracy(publicFixture('step').cases));

  // a loss computed on read-back values has the right value and no gradient
  gradeTest('step.gradient', () => checkGradient(publicFixture('step').cases));

  gradeTest('step.hidden', async () => {
    const { cases } = hiddenFixture('step');
    await checkLoss(cases);
    await checkAccuracy(cases);
    await checkGradient(cases);
  });

  // last: it runs the submission's attention, which could hang the suite
  // a tiny GPT learns to continue "abcdefg…" cyclically: 15 Adam steps lower the loss clearly
  gradeTest('step.training', async () => {
    const { before, after } = await askRecord(
      'training.gptTraining',
      {
        config: { vocabSize: 7, blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 16 },
        modelSeed: 3,
        windowSeed: 4,
        batch: 16,
        steps: 15,
        learningRate: 0.01,
      },
      { before: read.returned, after: read.returned },
    );
    const [start] = expectTensor('gptLoss', before, []);
    const [end] = expectTensor('gptLoss', after, []);
    if (!Number.isFinite(end) || end > start - 0.3)
      fail(
        `GPT training: gptLoss went from ${format(start)} to ${format(end)} in 15 Adam steps, expected a drop of at least 0.3 (are the loss and the attention differentiable, the attention's variables listed?)`,
      );
  });
});
