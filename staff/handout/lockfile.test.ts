import { pruneLockfile, LockfileError, type Lockfile } from './lockfile.js';

// a → b (nested copy under a), c; dev-only d → c; optional o → p (absent: another platform's); e unused
const LOCK: Lockfile = {
  name: 'project',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'project', version: '1.0.0' },
    'node_modules/a': { version: '1.0.0', license: 'MIT', dependencies: { b: '^2', c: '^1' } },
    'node_modules/a/node_modules/b': { version: '2.0.0', license: 'MIT' },
    'node_modules/b': { version: '1.0.0', dev: true, license: 'MIT' },
    'node_modules/c': { version: '1.0.0', license: 'MIT' },
    'node_modules/d': { version: '1.0.0', dev: true, license: 'MIT', dependencies: { c: '^1', b: '^1' } },
    'node_modules/e': { version: '1.0.0', license: 'MIT' },
    'node_modules/o': { version: '1.0.0', license: 'MIT', optionalDependencies: { p: '^1' }, optional: true },
  },
};

test('keeps what the manifest needs, resolved as Node resolves it, with npm flags for the smaller tree', () => {
  const pruned = pruneLockfile(LOCK, {
    name: 'handout',
    version: '1.0.0',
    dependencies: { a: '^1' },
    optionalDependencies: { o: '^1' },
    devDependencies: { d: '^1' },
  });
  expect(Object.keys(pruned.packages)).toEqual([
    '',
    'node_modules/a',
    'node_modules/a/node_modules/b',
    'node_modules/b',
    'node_modules/c',
    'node_modules/d',
    'node_modules/o',
  ]);
  expect(pruned.packages['']).toEqual({
    name: 'handout',
    version: '1.0.0',
    dependencies: { a: '^1' },
    devDependencies: { d: '^1' },
    optionalDependencies: { o: '^1' },
  });
  expect(pruned.packages['node_modules/c']).toEqual({ version: '1.0.0', license: 'MIT' });
  expect(pruned.packages['node_modules/b']).toEqual({ version: '1.0.0', dev: true, license: 'MIT' });
  expect(pruned.packages['node_modules/o']).toMatchObject({ optional: true });
  expect(pruned.name).toBe('handout');
});

test('a package both dev and reached only optionally from production is devOptional', () => {
  const lock: Lockfile = {
    ...LOCK,
    packages: {
      '': { name: 'project', version: '1.0.0' },
      'node_modules/o': { version: '1.0.0', license: 'MIT', optionalDependencies: { q: '^1' } },
      'node_modules/q': { version: '1.0.0', license: 'MIT' },
    },
  };
  const pruned = pruneLockfile(lock, {
    name: 'h',
    version: '1.0.0',
    optionalDependencies: { o: '^1' },
    devDependencies: { q: '^1' },
  });
  expect(pruned.packages['node_modules/q']).toEqual({ version: '1.0.0', devOptional: true, license: 'MIT' });
});

test('a dependency the project does not have is an error that says what to do', () => {
  expect(() => pruneLockfile(LOCK, { name: 'h', version: '1.0.0', dependencies: { zz: '^1' } })).toThrow(
    new LockfileError("zz is not in the project's lock: add it to the project's package.json"),
  );
});
