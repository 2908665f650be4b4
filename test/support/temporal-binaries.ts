import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..', '..');

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The binaries installed by scripts/temporal.sh (or already on PATH). Tests never let the SDK download one:
 * this machine reaches no download host.
 */
function binary(envName: string, name: string): string {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  const local = join(repoRoot, '.tools', 'venv', 'bin', name);
  if (existsSync(local)) return local;
  const onPath = findOnPath(name);
  if (onPath) return onPath;
  throw new Error(`${name} not found: run scripts/test.sh (it installs it into .tools/) or set ${envName}`);
}

export const temporalCliPath = (): string => binary('TEMPORAL_CLI_PATH', 'temporal');
export const temporalTestServerPath = (): string => binary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');
