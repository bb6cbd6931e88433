/**
 * The handout's package-lock.json, derived from the project's: the same resolved versions, pruned to
 * what the students' package.json needs. No registry is asked, so the same project lock always gives
 * the same bytes, and the students install exactly what the project is tested with.
 *
 * Resolution follows Node's (and npm's) lookup: a package at `node_modules/a/node_modules/b` that needs
 * `c` finds the nearest `…/node_modules/c` walking up from its own folder. The flags npm records
 * (dev, optional, devOptional) are recomputed for the smaller tree.
 */

export interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  engines?: Record<string, string>;
  [key: string]: unknown;
}

interface LockEntry extends Partial<Manifest> {
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

export interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

export class LockfileError extends Error {
  override name = 'LockfileError';
}

/** The folder a lock key's package lives in, and its parent package's key ('' is the root). */
function parentKey(key: string): string | undefined {
  if (key === '') return undefined;
  const at = key.lastIndexOf('/node_modules/');
  return at < 0 ? '' : key.slice(0, at);
}

/** Where `name`, needed by the package at `from`, resolves in the lock (Node's lookup), if anywhere. */
function resolve(packages: Lockfile['packages'], from: string, name: string): string | undefined {
  for (let dir: string | undefined = from; dir !== undefined; dir = parentKey(dir)) {
    const key = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[key]) return key;
  }
  return undefined;
}

/** How a package is reached: from the production or the dev dependencies, with or without an optional edge. */
type Reach = 'prod' | 'prod-optional' | 'dev' | 'dev-optional';

const optionally = (via: Reach): Reach => (via.startsWith('prod') ? 'prod-optional' : 'dev-optional');

/**
 * Keeps the packages `manifest` needs, as `lock` resolves them; throws when one of its direct
 * dependencies is not in the lock (the project must depend on it first).
 */
export function pruneLockfile(lock: Lockfile, manifest: Manifest): Lockfile {
  if (lock.lockfileVersion < 2) throw new LockfileError('need a lockfileVersion 2 or 3 package-lock.json');
  const { packages } = lock;
  const reach = new Map<string, Set<Reach>>();
  const visit = (key: string, via: Reach): void => {
    const seen = reach.get(key) ?? new Set<Reach>();
    if (seen.has(via)) return;
    seen.add(via);
    reach.set(key, seen);
    const entry = packages[key];
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const needs: [string, Reach][] = [
      ...Object.keys(entry.dependencies ?? {}).map((name): [string, Reach] => [name, via]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((name): [string, Reach] => [
        name,
        optionally(via),
      ]),
      ...Object.keys(entry.peerDependencies ?? {})
        .filter((name) => !optionalPeers[name]?.optional)
        .map((name): [string, Reach] => [name, via]),
    ];
    for (const [name, edge] of needs) {
      const target = resolve(packages, key, name);
      // an optional dependency for another platform is simply not in the lock
      if (target !== undefined) visit(target, edge);
      else if (!entry.optionalDependencies?.[name] && !entry.peerDependencies?.[name]) {
        throw new LockfileError(`${key}: its dependency ${name} is not in the lock`);
      }
    }
  };
  const direct: [Record<string, string> | undefined, Reach][] = [
    [manifest.dependencies, 'prod'],
    [manifest.optionalDependencies, 'prod-optional'],
    [manifest.devDependencies, 'dev'],
  ];
  for (const [dependencies, via] of direct) {
    for (const name of Object.keys(dependencies ?? {})) {
      const key = `node_modules/${name}`;
      if (!packages[key]) {
        throw new LockfileError(`${name} is not in the project's lock: add it to the project's package.json`);
      }
      visit(key, via);
    }
  }

  const root: LockEntry = { name: manifest.name, version: manifest.version };
  for (const field of ['dependencies', 'devDependencies', 'engines', 'optionalDependencies'] as const) {
    if (manifest[field]) root[field] = manifest[field];
  }
  const kept: Lockfile['packages'] = { '': root };
  // npm's order: keys compared as en locale strings
  const keys = Object.keys(packages).filter((key) => reach.has(key));
  for (const key of keys.sort((a, b) => a.localeCompare(b, 'en'))) {
    kept[key] = withFlags(packages[key], reach.get(key)!);
  }
  return {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: lock.lockfileVersion,
    requires: true,
    packages: kept,
  };
}

const FLAGS = ['dev', 'optional', 'devOptional'] as const;

/**
 * The entry with npm's flags for the smaller tree: dev when no production path reaches it, optional
 * when every path has an optional edge, devOptional when it is reached from the dev dependencies
 * without an optional edge and from production only through one. They go where npm writes them: into
 * the alphabetical run of keys after version, resolved and integrity.
 */
function withFlags(original: LockEntry, via: Set<Reach>): LockEntry {
  const flags: Partial<Record<(typeof FLAGS)[number], true>> = {};
  if (!via.has('prod')) {
    const dev = !via.has('prod-optional');
    const optional = !via.has('dev');
    if (dev) flags.dev = true;
    if (optional) flags.optional = true;
    if (!dev && !optional) flags.devOptional = true;
  }
  const keys = Object.keys(original).filter((key) => !(FLAGS as readonly string[]).includes(key));
  let start = 0;
  while (['name', 'version', 'resolved', 'integrity'].includes(keys[start])) start++;
  let end = start;
  while (end + 1 < keys.length && keys[end] < keys[end + 1]) end++;
  const run = keys.slice(start, end + 1).filter((key) => key !== undefined);
  const sortedRun = [...run, ...Object.keys(flags)].sort();
  const order = [...keys.slice(0, start), ...sortedRun, ...keys.slice(start + run.length)];
  const entry: LockEntry = {};
  for (const key of order) entry[key] = key in flags ? true : original[key];
  return entry;
}
