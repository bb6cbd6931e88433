/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// ESM throughout: ts-jest's ESM preset, run under `node --experimental-vm-modules` (see README).
// Type errors are `npm run typecheck`'s job, so ts-jest only transpiles (fast, per file).
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  setupFilesAfterEnv: ['<rootDir>/harness/testing/setup.ts'],
} satisfies Config;

const FOLDERS = '<rootDir>/{lib,harness,reference,grader,staff,data}/**';

// Two tiers: `npm test` (--selectProjects unit) and `npm run test:e2e` (--selectProjects e2e), whose
// *.e2e.test.ts files run whole commands and the grading pipeline end to end in real processes.
const config: Config = {
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [`${FOLDERS}/*.test.ts`],
      testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
    },
    { ...common, displayName: 'e2e', testMatch: [`${FOLDERS}/*.e2e.test.ts`] },
  ],
};

export default config;
