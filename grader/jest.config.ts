/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// The grader's suites, run by grader/runner (never by `npm test`): the root config's ESM transform,
// results through runner/reporter.js, the submission folder in EX5_SUBMISSION.
const config: Config = {
  rootDir: '..',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // ts-jest transpiles file by file (tsconfig's isolatedModules), so its diagnostics are syntax errors
  // only: a submission that does not parse fails to load; type errors do not cost points
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  testMatch: ['<rootDir>/grader/suites/*.grade.ts'],
  setupFilesAfterEnv: ['<rootDir>/harness/testing/setup.ts'],
  reporters: ['<rootDir>/grader/runner/reporter.js'],
  // Submission code runs in a worker process, never in Jest's main process where the reporter writes the
  // results; a memory limit is what makes Jest use a worker even for a single suite file.
  maxWorkers: 1,
  workerIdleMemoryLimit: '4GB',
  testTimeout: 60_000,
};

export default config;
