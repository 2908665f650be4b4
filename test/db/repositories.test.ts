import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { loadEnv } from '../../src/config/env.js';
import { databaseTarget, openDatabase } from '../../src/db/database.js';
import { dbPolicySource } from '../../src/db/db-ports.js';
import { policyToRule, seedOnce } from '../../src/db/seed.js';
import { SecretBox, SecretKeyMissingError } from '../../src/db/secret-box.js';
import { StoreError } from '../../src/db/store-error.js';
import { openStore, secretBoxFromEnv, storeOver, type Store } from '../../src/db/store.js';
import { Rule } from '../../src/domain/rule.js';
import { sandboxChannels } from '../../src/service/sandbox-channels.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from './databases.js';

const key = () => randomBytes(32).toString('base64');
const FEISHU = { appId: 'cli_1', appSecret: 'app-secret-0123456789', verificationToken: 'verify-token-abcdef' };

const rule = (ticketType: string, roles = ['dba']) =>
  Rule.parse({
    name: `rule for ${ticketType}`,
    match: { ticketType },
    recipients: { roles },
    approval: { mode: 'any' },
    deadline: { afterMs: 3_600_000 },
  });

for (const kind of databaseKinds()) {
  describe(`repositories on ${kind}`, () => {
    let database: TestDatabase;
    let store: Store;
    const masterKey = key();
    const env = () => loadEnv({ DATABASE_URL: database.url, SANDBOX: 'false', SECRETS_MASTER_KEY: masterKey });

    before(async () => {
      database = await createTestDatabase(kind);
      store = await openStore(env());
    });
    after(async () => {
      await store?.release();
      await database?.drop();
    });

    test('migrations are idempotent: a second open finds the schema current', async () => {
      const again = await openDatabase(databaseTarget(database.url, 'unused'));
      await again.release();
    });

    test('channel secrets are sealed at rest, masked when read, opened only for providers', async () => {
      const { record, created } = await store.channels.put('feishu', FEISHU);
      assert.equal(created, true);
      assert.equal(record.enabled, false, 'a new channel starts disabled');
      assert.equal(record.secrets.appSecret?.masked, '••••6789');
      assert.equal(record.secrets.appSecret?.keyId, 'k1');
      assert.equal(JSON.stringify(record).includes(FEISHU.appSecret), false);
      const raw = await store.db
        .selectFrom('channels')
        .selectAll()
        .where('kind', '=', 'feishu')
        .executeTakeFirstOrThrow();
      assert.equal(JSON.stringify(raw).includes(FEISHU.appSecret), false, 'no plain secret in the table');
      const loaded = await store.channels.load('feishu');
      assert.equal((loaded?.config as { appSecret: string }).appSecret, FEISHU.appSecret);
    });

    test('a PUT without secrets (or with masks) keeps them; an incomplete config writes nothing', async () => {
      const before = await store.channels.get('feishu');
      const { record } = await store.channels.put('feishu', { appId: 'cli_2', appSecret: '••••6789' });
      assert.equal(record.version, (before?.version ?? 0) + 1);
      assert.equal(
        ((await store.channels.load('feishu'))?.config as { appSecret: string }).appSecret,
        FEISHU.appSecret,
      );
      await assert.rejects(
        store.channels.put('lark', { appId: 'cli_3' }),
        (err: unknown) =>
          err instanceof StoreError && err.code === 'INVALID' && err.issues.some((i) => i.path === 'config.appSecret'),
      );
      assert.equal(await store.channels.get('lark'), undefined, 'nothing half-written');
    });

    test('key rotation: old secrets open with the previous key, rotate re-seals them, then the old key can go', async () => {
      const newKey = key();
      const rotatedEnv = {
        ...env(),
        SECRETS_MASTER_KEY: newKey,
        SECRETS_KEY_ID: 'k2',
        SECRETS_PREVIOUS_KEYS: `k1:${masterKey}`,
      };
      const rotated = storeOver(store.db, store.target, secretBoxFromEnv(rotatedEnv), () => Promise.resolve());
      assert.equal(
        ((await rotated.channels.load('feishu'))?.config as { appSecret: string }).appSecret,
        FEISHU.appSecret,
      );
      assert.equal(await rotated.channels.rotateSecrets(), 2);
      assert.equal(await rotated.channels.rotateSecrets(), 0, 'nothing left to rotate');
      const onlyNew = storeOver(
        store.db,
        store.target,
        new SecretBox([{ id: 'k2', key: Buffer.from(newKey, 'base64') }]),
        () => Promise.resolve(),
      );
      assert.equal(
        ((await onlyNew.channels.load('feishu'))?.config as { appSecret: string }).appSecret,
        FEISHU.appSecret,
      );
      assert.equal((await onlyNew.channels.get('feishu'))?.secrets.appSecret?.keyId, 'k2');
      await assert.rejects(
        store.channels.load('feishu'),
        SecretKeyMissingError,
        'the retired key no longer opens them',
      );
    });

    test('users: put creates then replaces; members by role; delete', async () => {
      const first = await store.users.put({
        id: 'u1',
        name: 'U One',
        roles: ['dba'],
        channels: {},
        mobile: '+8613800000009',
      });
      assert.equal(first.created, true);
      const second = await store.users.put({
        id: 'u1',
        name: 'U One',
        roles: ['dba', 'ops'],
        channels: { feishu: false },
      });
      assert.equal(second.created, false);
      assert.deepEqual(second.user.channels, { feishu: false });
      assert.deepEqual(
        (await store.users.membersOf('ops')).map((u) => u.id),
        ['u1'],
      );
      assert.equal(await store.users.delete('u1'), true);
      assert.equal(await store.users.delete('u1'), false);
      assert.equal(await store.users.get('u1'), undefined);
    });

    test('rules: every change is a new version; a stale version is refused; the lookup falls back to *', async () => {
      const created = await store.rules.create(rule('ticket.a'));
      assert.equal(created.version, 1);
      const updated = await store.rules.update(created.id, rule('ticket.a', ['dba-lead']), 1);
      assert.equal(updated.version, 2);
      await assert.rejects(
        store.rules.update(created.id, rule('ticket.a', ['x']), 1),
        (e: unknown) => e instanceof StoreError && e.code === 'VERSION_CONFLICT',
      );
      assert.deepEqual((await store.rules.get(created.id, 1))?.rule.recipients.roles, ['dba'], 'version 1 is kept');
      assert.equal((await store.rules.get(created.id))?.version, 2);

      const policies = dbPolicySource(store.rules);
      assert.equal((await policies.forTicketType('default', 'ticket.a'))?.ruleVersion, `${created.id}@v2`);
      assert.equal(await policies.forTicketType('default', 'ticket.b'), undefined);
      const fallback = await store.rules.create(rule('*'));
      assert.equal((await policies.forTicketType('default', 'ticket.b'))?.ruleVersion, `${fallback.id}@v1`);
      await assert.rejects(
        store.rules.create(rule('ticket.a')),
        (e: unknown) => e instanceof StoreError && e.code === 'DUPLICATE',
      );
      await store.rules.delete(created.id);
      assert.equal((await policies.forTicketType('default', 'ticket.a'))?.ruleVersion, `${fallback.id}@v1`);
    });

    test('the sandbox seed runs once, even when two processes start together', async () => {
      const seedDb = await createTestDatabase(kind);
      const seedEnv = loadEnv({ DATABASE_URL: seedDb.url, SANDBOX: 'true' });
      const channels = sandboxChannels('http://127.0.0.1:3900', 'http://127.0.0.1:3000');
      const [a, b] = await Promise.all([
        openStore(seedEnv, { sandboxChannels: channels }),
        openStore(seedEnv, { sandboxChannels: channels }),
      ]);
      try {
        assert.equal((await a.channels.list()).length, 4);
        assert.equal((await a.users.list()).length, 5);
        // Once each: 3 approval rules (config/policies.json), 4 notice rules (config/notice-rules.json) and the 5
        // notice defaults every first start seeds.
        const rules = await a.rules.list();
        assert.equal(rules.length, 12);
        assert.equal(rules.filter((r) => r.rule.match.event === 'pending_approval').length, 3);
        const policy = await dbPolicySource(a.rules).forTicketType('default', 'ticket.data_export');
        assert.deepEqual(
          policy?.levels.map((l) => l.roles),
          [['dba'], ['dba-lead']],
        );
        assert.equal(await seedOnce(a.db, a.box, 'sandbox', { channels, users: [], policies: {} }), false);
        await b.users.delete('alice');
        const c = await openStore(seedEnv, { sandboxChannels: channels });
        assert.equal(await c.users.get('alice'), undefined, 'a later start does not undo an admin’s change');
        await c.release();
      } finally {
        await a.release();
        await b.release();
        await seedDb.drop();
      }
    });

    test('policy file entries become equivalent rules', () => {
      const r = policyToRule('ticket.schema_change', {
        mode: 'quorum',
        quorum: 2,
        levels: [
          { roles: ['dba'], approvers: [], channels: [], afterMs: 0 },
          { roles: ['dba-lead'], approvers: [], channels: [], afterMs: 7_200_000 },
        ],
        deadlineMs: 172_800_000,
        onDeadline: 'rejected',
      });
      assert.equal(r.match.ticketType, 'ticket.schema_change');
      assert.equal(r.approval?.quorum, 2);
      assert.equal(r.escalations[0]?.afterMs, 7_200_000);
    });
  });
}
