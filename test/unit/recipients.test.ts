import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RESOLVE_CONCURRENCY, resolveRecipients } from '../../src/activities/recipients.js';
import { ChannelError } from '../../src/channels/channel-error.js';
import type { ChannelProvider, ChannelProviderRegistry } from '../../src/channels/provider.js';
import type { User } from '../../src/domain/user.js';
import type { UserDirectory } from '../../src/store/ports.js';

const people: User[] = Array.from({ length: 3 * RESOLVE_CONCURRENCY }, (_, i) => ({
  id: `u${i}`,
  name: `User ${i}`,
  mobile: `+8613800${String(i).padStart(6, '0')}`,
  roles: ['dba'],
  channels: {},
  notices: {},
}));

const directory: UserDirectory = {
  get: async (id) => {
    await sleep(Number(id.slice(1)) % 3); // answers out of order
    return people.find((p) => p.id === id);
  },
  membersOf: (role) => Promise.resolve(role === 'dba' ? people : []),
};

/** A registry whose one provider answers lookups after a varying delay, or fails the n-th lookup. */
function registry(failAt?: number): ChannelProviderRegistry & { lookups: number; atFailure: number } {
  const state = { lookups: 0, atFailure: 0 };
  const provider = {
    kind: 'feishu',
    async resolveUser(contact: { mobile?: string }) {
      const n = ++state.lookups;
      await sleep(n % 4);
      if (n === failAt) state.atFailure = state.lookups;
      if (n === failAt) throw new ChannelError('RATE_LIMITED', 'too many requests', 1_000);
      return `ou_${contact.mobile}`;
    },
  } as unknown as ChannelProvider;
  return Object.assign(state, {
    get: () => Promise.resolve(provider),
    enabledKinds: () => Promise.resolve(['feishu' as const]),
  });
}

const spec = { approvers: ['u5', 'ghost'], roles: ['dba'], channels: [] };

test('everyone is resolved in directory order, the requester and unknown users reported', async () => {
  const channels = registry();
  const result = await resolveRecipients(
    { directory, channels },
    { tenant: 't', level: 1, spec: spec as never, requesterId: 'u7' },
  );
  const expected = ['u5', ...people.map((p) => p.id).filter((id) => id !== 'u5' && id !== 'u7')];
  assert.deepEqual(
    result.recipients.map((r) => r.userId),
    expected,
  );
  assert.equal(result.recipients[0]?.channels[0]?.platformUserId, `ou_${people[5]?.mobile}`);
  assert.deepEqual(
    result.unreachable.map((u) => u.userId),
    ['ghost', 'u7'],
  );
  assert.equal(channels.lookups, people.length - 1);
});

test('a rate-limited lookup fails the activity and starts no further lookups', async () => {
  const channels = registry(3);
  await assert.rejects(
    resolveRecipients({ directory, channels }, { tenant: 't', level: 1, spec: spec as never, requesterId: 'u7' }),
  );
  await sleep(50);
  // The other 7 lanes may each finish the person they were on; none starts another after the failure.
  assert.ok(
    channels.lookups <= channels.atFailure + 7,
    `${channels.lookups} lookups, ${channels.atFailure} at failure`,
  );
  assert.ok(channels.lookups < people.length - 5, 'most people were never looked up');
});
