/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// The grader's suites, the judge, run by grader/runner (never by `npm test`): the root config's ESM
// transform, results through runner/reporter.js. They never load submission code: they ask the
// candidate (grader/candidate), a separate sandboxed process, for numbers, and decide on them here.
const config: Config = {
  rootDir: '..',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  testMatch: ['<rootDir>/grader/suites/*.grade.ts'],
  roots: ['<rootDir>/grader'],
  reporters: ['<rootDir>/grader/runner/reporter.js'],
  // in band: no submission code runs in Jest's processes, so the suites may share the reporter's
  maxWorkers: 1,
  // each call to the candidate has its own limit (rubric.json callSeconds); a test makes many
  testTimeout: 900_000,
};

export default config;
