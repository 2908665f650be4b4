/** Structured logs: JSON lines, secrets redacted wherever they hide, approval ids on every line that has one. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  contextOfWorkflowId,
  createLogger,
  PinoNestLogger,
  PinoTemporalLogger,
  setLogContext,
  withLogContext,
} from '../../src/logging/index.js';

function capture(level: 'info' | 'debug' = 'debug') {
  const lines: string[] = [];
  const log = createLogger({ level, name: 'test', destination: { write: (l) => void lines.push(l) } });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRET = 'sEcReT-3b9f1c';

describe('logging', () => {
  test('a known secret never appears, whatever shape it is logged in', () => {
    const { log, lines } = capture();
    log.info({ config: { appId: 'cli_1', appSecret: SECRET, nested: { deeper: { encryptKey: SECRET } } } }, 'config');
    log.info({ headers: { Authorization: `Bearer ${SECRET}`, 'x-acs-dingtalk-access-token': SECRET } }, 'headers');
    log.info({ req: { url: `/topapi/v2/user/getbymobile?access_token=${SECRET}` } }, 'old API url');
    log.warn(`token fetch with app_secret=${SECRET} and Bearer ${SECRET}`);
    log.error({ err: new Error(`upstream said Bearer ${SECRET}`, { cause: new Error(`secret=${SECRET}`) }) }, 'boom');
    log.info(
      { list: [{ apiSecret: SECRET }, { webhookSecret: SECRET }], password: SECRET, ADMIN_TOKEN: SECRET },
      'misc',
    );
    assert.equal(lines.length, 6);
    for (const line of lines) assert.ok(!line.includes(SECRET), line);
    const [config] = lines.map((l) => JSON.parse(l) as { config?: { appId: string; appSecret: string } });
    assert.deepEqual([config?.config?.appId, config?.config?.appSecret], ['cli_1', '[redacted]'], 'other fields stay');
  });

  test('lines carry the ticket and workflow id of the work they belong to', async () => {
    const { log, parsed } = capture();
    await withLogContext({}, async () => {
      log.info('before the ticket is known');
      await Promise.resolve();
      setLogContext({ ticketId: 'T-9', tenant: 'default', workflowId: 'approval:default:T-9' });
      await new Promise((r) => setTimeout(r, 1));
      log.info('after');
    });
    log.info('outside');
    const [before, inside, outside] = parsed();
    assert.equal(before?.ticketId, undefined);
    assert.deepEqual([inside?.ticketId, inside?.workflowId], ['T-9', 'approval:default:T-9']);
    assert.equal(outside?.ticketId, undefined);
  });

  test('notice runs are tied to their tenant and event (and ticket, for an event the approval raised)', () => {
    assert.deepEqual(contextOfWorkflowId('notice:acme:exec-1'), {
      workflowId: 'notice:acme:exec-1',
      tenant: 'acme',
      eventId: 'exec-1',
    });
    assert.deepEqual(contextOfWorkflowId('notice:default:approval:T-9:reminder:2'), {
      workflowId: 'notice:default:approval:T-9:reminder:2',
      tenant: 'default',
      eventId: 'approval:T-9:reminder:2',
      ticketId: 'T-9',
    });
  });

  test("the Temporal runtime's lines: level, SDK attributes, ticket id from the workflow id, errors redacted", () => {
    const { log, parsed } = capture();
    const temporal = new PinoTemporalLogger(log);
    temporal.warn('Activity failed', {
      sdkComponent: 'activity',
      workflowId: 'approval:acme:PAY-7',
      activityType: 'sendCard',
      error: new Error(`HTTP 401 for Bearer ${SECRET}`),
    });
    temporal.debug('noise', { sdkComponent: 'worker' });
    const [line, debug] = parsed();
    assert.deepEqual(
      [line?.level, line?.msg, line?.ticketId, line?.tenant, line?.activityType],
      ['warn', 'Activity failed', 'PAY-7', 'acme', 'sendCard'],
    );
    assert.ok(!JSON.stringify(line).includes(SECRET));
    assert.equal((line?.err as { type?: string } | undefined)?.type, 'Error');
    assert.equal(debug?.level, 'debug');
  });

  test("Nest's lines: context and stack in their own fields; the level filters", () => {
    const { log, parsed } = capture('info');
    const nest = new PinoNestLogger(log);
    nest.log('listening', 'api');
    nest.error('Unhandled error 42', 'Error: x\n    at y', 'ApiExceptionFilter');
    nest.debug('hidden at info', 'api');
    const [listening, failed, ...rest] = parsed();
    assert.deepEqual([listening?.msg, listening?.context, listening?.level], ['listening', 'api', 'info']);
    assert.deepEqual(
      [failed?.context, failed?.stack, failed?.level],
      ['ApiExceptionFilter', 'Error: x\n    at y', 'error'],
    );
    assert.equal(rest.length, 0);
  });
});
