import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planNotice } from '../../src/activities/notice-plan.js';
import { resolveRecipients } from '../../src/activities/recipients.js';
import { ChannelError } from '../../src/channels/channel-error.js';
import type { ChannelProvider, ChannelProviderRegistry } from '../../src/channels/provider.js';
import type { ChannelKind } from '../../src/domain/channel.js';
import { User, type UserInput } from '../../src/domain/user.js';
import { inMemoryUserDirectory } from '../../src/store/file-stores.js';
import { createTestSpec } from '../support/notices.js';

const users = (list: UserInput[]) => inMemoryUserDirectory(list.map((u) => User.parse(u)));
const person = (id: string, extra: Partial<UserInput> = {}): UserInput => ({
  id,
  name: id.toUpperCase(),
  mobile: `+86138000000${id.length}`,
  ...extra,
});

/** Every enabled kind resolves `<kind>:<mobile>`; `unknownOn` kinds answer RECIPIENT_UNREACHABLE. */
function registry(enabled: ChannelKind[], unknownOn: ChannelKind[] = []): ChannelProviderRegistry {
  return {
    enabledKinds: () => Promise.resolve(enabled),
    get: (kind) => {
      if (!enabled.includes(kind)) return Promise.reject(new ChannelError('CHANNEL_DISABLED', `${kind} is off`));
      const provider = {
        kind,
        resolveUser: ({ mobile }: { mobile?: string }) =>
          unknownOn.includes(kind)
            ? Promise.reject(new ChannelError('RECIPIENT_UNREACHABLE', `no ${kind} user`))
            : Promise.resolve(`${kind}:${mobile ?? ''}`),
      } as unknown as ChannelProvider;
      return Promise.resolve(provider);
    },
  };
}

const input = (spec = createTestSpec(), extra: Partial<Parameters<typeof planNotice>[1]> = {}) => ({
  tenant: 'default',
  event: 'executed',
  spec,
  ticketId: 'T-1',
  requesterId: 'alice',
  ...extra,
});

describe('who a notice is for (planNotice, pure over its ports)', () => {
  test('roles, users, additional users, the requester and the approvers, each once, on their channels in order', async () => {
    const directory = users([
      person('alice'),
      person('bob', { roles: ['dba'] }),
      person('carol', { roles: ['dba'] }),
      person('erin'),
    ]);
    const spec = createTestSpec({ roles: ['dba'], users: ['erin', 'bob'], relative: ['requester', 'approvers'] });
    const plan = await planNotice(
      { directory, channels: registry(['feishu', 'lark']) },
      input(spec, { approverIds: ['bob', 'dave'] }),
    );
    assert.deepEqual(plan.recipients.map((r) => r.userId).sort(), ['alice', 'bob', 'carol', 'erin']);
    assert.deepEqual(
      plan.recipients.find((r) => r.userId === 'alice')?.channels.map((c) => c.kind),
      ['feishu', 'lark'],
    );
    assert.deepEqual(plan.unreachable, [{ userId: 'dave', reason: 'unknown user' }]);
  });

  test("the rule's channels set the order; a channel that cannot reach someone is reported, not skipped", async () => {
    const directory = users([person('alice')]);
    const spec = createTestSpec({ channels: ['lark', 'dingtalk', 'feishu'] });
    const plan = await planNotice({ directory, channels: registry(['feishu', 'lark'], ['lark']) }, input(spec));
    assert.deepEqual(
      plan.recipients[0]?.channels.map((c) => c.kind),
      ['feishu'],
    );
    assert.deepEqual(
      plan.unreachable.map((u) => `${u.kind}: ${u.reason}`),
      ['lark: RECIPIENT_UNREACHABLE: no lark user', 'dingtalk: channel dingtalk is not enabled'],
    );
  });

  test("people's own settings: the event off, or a channel off for it; a rule may ignore them", async () => {
    const directory = users([
      person('alice', { notices: { executed: { enabled: false } } }),
      person('bob', { notices: { executed: { channels: { feishu: false } } } }),
      person('carol', { channels: { lark: false } }),
    ]);
    const spec = createTestSpec({ users: ['alice', 'bob', 'carol'], relative: [] });
    const channels = registry(['feishu', 'lark']);
    const plan = await planNotice({ directory, channels }, input(spec));
    assert.deepEqual(
      plan.recipients.map((r) => [r.userId, r.channels.map((c) => c.kind)]),
      [
        ['bob', ['lark']],
        ['carol', ['feishu']],
      ],
    );
    assert.deepEqual(
      plan.optedOut.map((o) => `${o.userId} ${o.kind ?? '*'}: ${o.reason}`),
      [
        'alice *: the user switched "executed" notices off',
        'bob feishu: the user switched "executed" notices off on feishu',
        'carol lark: the user switched lark notifications off',
      ],
    );
    const loud = await planNotice({ directory, channels }, input({ ...spec, respectUserSettings: false }));
    assert.deepEqual(
      loud.recipients.map((r) => [r.userId, r.channels.length]),
      [
        ['alice', 2],
        ['bob', 2],
        ['carol', 1],
      ],
      'the channel switch still counts',
    );
  });

  test('a request notice leaves out the approvers it asked (they have the card)', async () => {
    const directory = users([person('alice'), person('bob'), person('erin')]);
    const spec = createTestSpec({ users: ['erin', 'bob'], relative: ['requester'] });
    const plan = await planNotice(
      { directory, channels: registry(['feishu']) },
      input(spec, { event: 'pending_approval', approverIds: ['bob'] }),
    );
    assert.deepEqual(
      plan.recipients.map((r) => r.userId),
      ['erin', 'alice'],
    );
  });

  test('approvers of a reported event come from the ticket, or are reported as unknown with why', async () => {
    const directory = users([person('alice'), person('bob')]);
    const spec = createTestSpec({ relative: ['approvers'] });
    const found = await planNotice(
      { directory, channels: registry(['feishu']), approvers: () => Promise.resolve({ approverIds: ['bob'] }) },
      input(spec),
    );
    assert.deepEqual(
      found.recipients.map((r) => r.userId),
      ['bob'],
    );
    const none = await planNotice(
      { directory, channels: registry(['feishu']), approvers: () => Promise.resolve({ none: 'no approval' }) },
      input(spec),
    );
    assert.deepEqual(none.unreachable, [{ userId: 'approvers', reason: 'no approval' }]);
    const requester = await planNotice({ directory: users([]), channels: registry(['feishu']) }, input());
    assert.deepEqual(requester.unreachable, [{ userId: 'alice', reason: 'the requester is not in the directory' }]);
  });

  test('approval requests reach approvers whatever their settings, unless the policy respects them', async () => {
    const directory = users([person('bob', { roles: ['dba'], notices: { pending_approval: { enabled: false } } })]);
    const level = {
      tenant: 't',
      level: 1,
      spec: { approvers: [], roles: ['dba'], channels: [], afterMs: 0 },
      requesterId: 'alice',
    };
    const asked = await resolveRecipients({ directory, channels: registry(['feishu']) }, level);
    assert.deepEqual(
      asked.recipients.map((r) => r.userId),
      ['bob'],
    );
    const respected = await resolveRecipients(
      { directory, channels: registry(['feishu']) },
      { ...level, respectUserSettings: true },
    );
    assert.deepEqual(respected.recipients, []);
    assert.deepEqual(respected.unreachable, [
      { userId: 'bob', reason: 'the user switched "pending_approval" notices off' },
    ]);
  });
});
