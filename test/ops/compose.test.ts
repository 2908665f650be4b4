/**
 * docker-compose.yml is the production topology for users with Docker. No Docker engine runs here, so its
 * structure is checked: the services and how they start, the ports, the search attributes it registers, and that
 * every variable it gives the worker and the API is one the config schema knows.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { CORE_SCHEMA, load, mergeTag } from 'js-yaml';
import { EnvSchema } from '../../src/config/env.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../../src/domain/search-attributes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string | string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  configs?: { source: string; target: string }[];
}
// Compose resolves `<<: *anchor` merge keys; so does this parse.
const compose = load(readFileSync(`${root}docker-compose.yml`, 'utf8'), { schema: CORE_SCHEMA.withTags(mergeTag) }) as {
  services: Record<string, Service>;
  configs?: Record<string, { content?: string }>;
};
const service = (name: string): Service => {
  const s = compose.services[name];
  assert.ok(s, `service ${name}`);
  return s;
};
const script = (s: Service) => (Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? ''));

describe('docker-compose.yml', () => {
  test('PostgreSQL, Temporal on it, the UI, the one-shot steps, and our worker and API', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), [
      'api',
      'postgresql',
      'register-search-attributes',
      'temporal',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    assert.match(service('postgresql').image ?? '', /^postgres:\d+/);
    assert.equal(service('temporal').environment?.DB, 'postgres12');
    assert.equal(service('temporal').environment?.POSTGRES_SEEDS, 'postgresql');
    assert.match(service('temporal').image ?? '', /^temporalio\/server:\d+\.\d+\.\d+$/);
    assert.match(service('temporal-ui').image ?? '', /^temporalio\/ui:/);
    assert.equal(service('temporal-ui').environment?.TEMPORAL_ADDRESS, 'temporal:7233');
    const dynamicConfig = service('temporal').configs?.[0];
    assert.ok(dynamicConfig && compose.configs?.[dynamicConfig.source]?.content, 'the dynamic config file exists');
  });

  test('start order: schema → server → namespace and search attributes → worker and API', () => {
    const dependsOn = (name: string) => service(name).depends_on ?? {};
    assert.equal(dependsOn('temporal-schema').postgresql?.condition, 'service_healthy');
    assert.equal(dependsOn('temporal')['temporal-schema']?.condition, 'service_completed_successfully');
    assert.equal(dependsOn('register-search-attributes').temporal?.condition, 'service_healthy');
    for (const name of ['worker', 'api']) {
      assert.equal(dependsOn(name)['register-search-attributes']?.condition, 'service_completed_successfully', name);
      assert.equal(dependsOn(name).postgresql?.condition, 'service_healthy', name);
    }
    for (const oneShot of ['temporal-schema', 'register-search-attributes']) {
      assert.doesNotMatch(service(oneShot).restart ?? 'no', /always|unless-stopped/, `${oneShot} runs once`);
    }
  });

  test('the one-shot step registers exactly our search attributes, with their types', () => {
    const command = script(service('register-search-attributes'));
    const listed = /for sa in ([^;]+);/.exec(command)?.[1]?.trim().split(/\s+/) ?? [];
    const types: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', KEYWORD_LIST: 'KeywordList' };
    assert.deepEqual(listed.sort(), SEARCH_ATTRIBUTE_KEYS.map((k) => `${k.name}=${types[k.type] ?? k.type}`).sort());
    assert.match(command, /temporal operator search-attribute create -n default/);
    assert.match(command, /temporal operator namespace create -n default/);
  });

  test('worker and API: built from the Dockerfile, started with their entry points', () => {
    for (const [name, entry] of [
      ['worker', 'worker.ts'],
      ['api', 'src/api/main.ts'],
    ] as const) {
      const s = service(name);
      assert.equal(typeof s.build === 'string' ? s.build : s.build?.context, '.', `${name} builds this repository`);
      assert.deepEqual(s.command, ['node', '--import', 'tsx', entry]);
      assert.ok(existsSync(`${root}${entry}`), entry);
    }
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    for (const [, sources] of dockerfile.matchAll(/^COPY (.+) \S+$/gm)) {
      for (const source of (sources ?? '').split(' ')) assert.ok(existsSync(`${root}${source}`), `COPY ${source}`);
    }
    assert.match(dockerfile, /npm ci --include=dev/, 'tsx (a dev dependency) is installed');
  });

  test('ports: Temporal 7233, UI 8233, API 3000, worker metrics 9464 — and the links agree', () => {
    const published = (name: string) => service(name).ports ?? [];
    assert.deepEqual(published('temporal'), ['7233:7233']);
    assert.deepEqual(published('temporal-ui'), ['8233:8080']);
    assert.deepEqual(published('api'), ['3000:3000']);
    assert.deepEqual(published('worker'), ['9464:9464']);
    assert.deepEqual(published('postgresql'), [], 'the database is not published');
    const api = service('api').environment ?? {};
    assert.equal(api.API_PORT, '3000');
    assert.equal(api.API_HOST, '0.0.0.0');
    assert.match(api.TEMPORAL_UI_URL ?? '', /localhost:8233\}$/, "the API's UI links point at the UI's port");
    assert.equal(service('worker').environment?.WORKER_METRICS_ADDRESS, '0.0.0.0:9464');
  });

  test('every variable given to the worker and the API is one the config schema knows', () => {
    const known = new Set(Object.keys(EnvSchema.shape));
    for (const name of ['worker', 'api']) {
      const env = service(name).environment ?? {};
      const unknown = Object.keys(env).filter((key) => !known.has(key));
      assert.deepEqual(unknown, [], `${name} sets variables the config schema does not know`);
      assert.equal(env.SANDBOX, 'false', 'production: real platforms');
      assert.equal(env.TEMPORAL_ADDRESS, 'temporal:7233');
      assert.match(env.DATABASE_URL ?? '', /^postgres:\/\/temporal:.*@postgresql:5432\/approvals$/);
      // Secrets come from the user's environment and must be set: `${VAR:?…}`, never a value in the file.
      for (const secret of ['SECRETS_MASTER_KEY', 'ADMIN_TOKEN', 'WEBHOOK_SECRET']) {
        if (env[secret] !== undefined) assert.match(env[secret], new RegExp(`^\\$\\{${secret}:\\?`), secret);
      }
    }
    assert.ok(service('api').environment?.ADMIN_TOKEN && service('worker').environment?.WEBHOOK_SECRET);
  });

  test('with the defaults filled in (and the required secrets given), both configurations are valid', () => {
    const given: Record<string, string> = {
      SECRETS_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      ADMIN_TOKEN: 'a'.repeat(32),
      WEBHOOK_SECRET: 'w'.repeat(32),
    };
    // `${VAR:-default}` → default, `${VAR:?message}` → what the user must set.
    const resolve = (value: string) =>
      value.replace(
        /\$\{(\w+)(?::-([^}]*)|:\?[^}]*)\}/g,
        (_m, name: string, fallback?: string) => fallback ?? given[name] ?? '',
      );
    for (const name of ['worker', 'api']) {
      const env = Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([k, v]) => [k, resolve(v)]));
      const parsed = EnvSchema.safeParse(env);
      assert.ok(parsed.success, `${name}: ${parsed.error?.issues.map((i) => i.path.join('.')).join(', ')}`);
    }
  });
});
