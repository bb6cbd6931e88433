// Every command in package.json, as a user first meets it: --help, and a mistyped flag.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../harness/paths.js';
import { runScript } from './testing/run-script.js';

const scripts = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as Record<
  string,
  string
>;
/** The project's own commands: `tsx FILE` scripts (test runners and linters are other tools' commands). */
const commands = Object.entries(scripts)
  .filter(([, line]) => /^tsx \S+\.ts$/.test(line))
  .map(([name, line]) => [name, line.slice('tsx '.length)] as const);

test('the project has its commands', () => {
  expect(commands.map(([name]) => name)).toEqual(
    expect.arrayContaining(['grade', 'pack', 'experiments', 'generate', 'grade:batch', 'handout', 'bench']),
  );
});

describe.each(commands)('npm run %s', (name, file) => {
  test('--help shows its usage and examples and exits 0', () => {
    const run = runScript(file, ['--help']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Usage: npm run ${name} --`);
    expect(run.stdout).toContain('Examples:');
  });

  test('a mistyped flag is a usage error (exit 2), one line', () => {
    const run = runScript(file, ['--no-such-flag']);
    expect(run.status).toBe(2);
    // commander names a missing required option first, else the unknown one
    expect(run.stderr).toMatch(
      /^error: (unknown option '--no-such-flag'|required option '[^']+' not specified)\n$/,
    );
  });
});
