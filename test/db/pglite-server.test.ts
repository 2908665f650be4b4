import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { servePGlite } from '../../src/db/pglite-server.js';
import { openStore } from '../../src/db/store.js';
import { loadEnv } from '../../src/config/env.js';

describe('PGlite over the wire protocol (npm start shares one embedded database between API and worker)', () => {
  let pglite: PGlite;
  let server: Server;
  let url: string;
  before(async () => {
    pglite = await PGlite.create();
    server = await servePGlite(pglite, 0);
    url = `postgres://postgres@127.0.0.1:${(server.address() as AddressInfo).port}/postgres`;
  });
  after(async () => {
    server?.close();
    await pglite?.close();
  });

  test('concurrent clients with transactions and parameterized queries never see each other’s work mid-flight', async () => {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query('create table counters (id int primary key, n int not null)');
    await setup.query('insert into counters values (1, 0)');
    await setup.end();

    const pool = new pg.Pool({ connectionString: url, max: 6 });
    try {
      // Read-modify-write in transactions: lost updates would show if two transactions interleaved.
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const client = await pool.connect();
          try {
            await client.query('begin');
            const { rows } = await client.query<{ n: number }>('select n from counters where id = $1', [1]);
            await client.query('update counters set n = $1 where id = $2', [(rows[0]?.n ?? 0) + 1, 1]);
            await client.query(i % 5 === 0 ? 'rollback' : 'commit');
          } finally {
            client.release();
          }
        }),
      );
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => pool.query<{ v: number }>('select $1::int as v', [i])),
      );
      assert.deepEqual(
        answers.map((a) => a.rows[0]?.v),
        Array.from({ length: 40 }, (_, i) => i),
        'every parameterized query got its own answer',
      );
      const { rows } = await pool.query<{ n: number }>('select n from counters where id = 1');
      assert.equal(rows[0]?.n, 24, '30 transactions, 6 rolled back');
    } finally {
      await pool.end();
    }
  });

  test('a client that disconnects inside a transaction leaves nothing open', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('begin');
    await client.query('insert into counters values (2, 0)');
    await client.end();
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    const { rows } = await other.query('select * from counters where id = 2');
    await other.end();
    assert.equal(rows.length, 0);
  });

  test('the API and the worker can both open the store through it (migrations and seed run once)', async () => {
    const env = loadEnv({ DATABASE_URL: url, SANDBOX: 'true' });
    const [a, b] = await Promise.all([openStore(env), openStore(env)]);
    try {
      // Once each: 3 approval rules (config/policies.json), 4 notice rules (config/notice-rules.json) and the 5
      // notice defaults every first start seeds.
      const rules = await a.rules.list();
      assert.equal(rules.length, 12);
      assert.equal(rules.filter((r) => r.rule.match.event === 'pending_approval').length, 3);
      assert.equal((await b.users.list()).length, 5);
    } finally {
      await a.release();
      await b.release();
    }
  });
});
