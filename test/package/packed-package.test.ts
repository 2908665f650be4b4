/**
 * The package as another project gets it: build (tsconfig.build.json), `npm pack`, `npm install` of the tarball
 * into a throwaway project, tsc over a consumer file that imports 'approvals-bridge', then that consumer compiled
 * and run with plain node: a worker from the installed plugins and the client helpers take an approval to its
 * outcome on a real dev server and the platform simulator.
 *
 * The build goes to a staging folder, never to the checkout's dist/, so concurrent runs cannot trip over each other.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer } from '../support/environments.js';
import { SANDBOX_APPS, startTestSimulator, type TestSimulator } from '../support/simulator.js';

const exec = promisify(execFile);
const repo = resolve(import.meta.dirname, '..', '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');

/** Nested npm must not inherit the settings `npm test` exported for the checkout (prefix, package fields...). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  return { ...env, ...extra };
}

async function run(t: TestContext, step: string, file: string, args: string[], cwd: string, timeoutMs: number) {
  const started = Date.now();
  try {
    const out = await exec(file, args, { cwd, env: cleanEnv(), timeout: timeoutMs, maxBuffer: 64 << 20 });
    t.diagnostic(`${step}: ${Date.now() - started} ms`);
    return out.stdout;
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`${step} failed after ${Date.now() - started} ms:\n${stdout}\n${stderr}`, { cause: err });
  }
}

/** Files of the package (from `npm pack --json`). */
function packedFiles(json: string): string[] {
  const [pack] = JSON.parse(json) as { filename: string; files: { path: string }[] }[];
  assert.ok(pack);
  return pack.files.map((f) => f.path);
}

describe('the packed package in a separate project', () => {
  let work: string;
  let temporal: TestWorkflowEnvironment;
  let sim: TestSimulator;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'approvals-bridge-package-'));
    [temporal, sim] = await Promise.all([startDevServer(), startTestSimulator()]);
  });
  after(async () => {
    await sim?.close();
    await temporal?.teardown();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test("package.json's `files` ships only dist/ (plus package.json and README)", async (t) => {
    const json = await run(
      t,
      'npm pack --dry-run',
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      repo,
      60_000,
    );
    const outside = packedFiles(json).filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE)/.test(f));
    assert.deepEqual(outside, []);
  });

  test('installs, type-checks against the exported types, and runs an approval with plain node', async (t) => {
    // Build and pack, as `npm pack` (prepack → build) would, into a staging copy of the package root.
    const stage = join(work, 'stage');
    await mkdir(stage);
    await run(
      t,
      'build',
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', join(stage, 'dist')],
      repo,
      120_000,
    );
    await copyFile(join(repo, 'package.json'), join(stage, 'package.json'));
    await copyFile(join(repo, 'README.md'), join(stage, 'README.md'));
    const packJson = await run(
      t,
      'npm pack',
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
      stage,
      60_000,
    );
    const files = packedFiles(packJson);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/workflows/index.js']) assert.ok(files.includes(f), f);
    assert.deepEqual(
      files.filter((f) => f.startsWith('dist/api/') || /(?<!\.d)\.ts$/.test(f)),
      [],
      'no API, no sources',
    );
    const [{ filename }] = JSON.parse(packJson) as [{ filename: string }];

    // A separate project: the tarball and the Node types, nothing else (npm's cache keeps this to seconds).
    const consumer = join(work, 'consumer');
    await mkdir(consumer);
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    const nodeTypes = (
      JSON.parse(await readFile(join(repo, 'node_modules/@types/node/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const install = ['install', join(work, filename), `@types/node@${nodeTypes}`];
    const flags = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
    await run(t, 'npm install', 'npm', [...install, ...flags], consumer, 240_000);

    await copyFile(join(import.meta.dirname, 'consumer-app.ts.txt'), join(consumer, 'consumer.ts'));
    // skipLibCheck as consumers set it: @temporalio/common's own .d.ts import the untyped `ms` module.
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        outDir: 'out',
      },
      files: ['consumer.ts'],
    };
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig));
    await run(t, 'tsc (consumer)', process.execPath, [tsc, '-p', 'tsconfig.json'], consumer, 120_000);

    const config = SANDBOX_APPS.feishu;
    const feishuConfig = {
      appId: config.appId,
      appSecret: config.appSecret,
      verificationToken: config.verificationToken,
      encryptKey: config.encryptKey,
      baseUrl: sim.baseUrl('feishu'),
    };
    const started = Date.now();
    const { stdout } = await exec(process.execPath, [join(consumer, 'out', 'consumer.js')], {
      cwd: consumer,
      timeout: 120_000,
      env: cleanEnv({
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: temporal.namespace ?? 'default',
        FEISHU_CONFIG: JSON.stringify(feishuConfig),
      }),
    });
    t.diagnostic(`consumer run: ${Date.now() - started} ms`);
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, `no RESULT line in:\n${stdout}`);
    const report = JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
    assert.deepEqual(report, {
      started: {
        workflowId: 'approval:default:PKG-1',
        runId: (report.started as { runId: string }).runId,
        created: true,
      },
      again: {
        workflowId: 'approval:default:PKG-1',
        runId: (report.started as { runId: string }).runId,
        created: false,
      },
      pending: { status: 'pending', recipients: ['bob'] },
      decided: 'applied',
      result: { status: 'approved', by: 'bob' },
      deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  });
});
