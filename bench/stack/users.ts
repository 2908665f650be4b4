import type { User } from '../../src/domain/user.js';
import type { PolicySource, UserDirectory } from '../../src/store/ports.js';

/**
 * Bench users are made up on the fly: the id carries a group tag and an index, and name and mobile follow from
 * it, so the worker's directory and the simulator's users agree without sharing a file of 10,000 entries.
 * Every group is a fresh set of people: their platform ids are not in any cache yet.
 */
const ID = /^bu-(\d{1,3})-(\d{1,5})$/;

export function benchUserId(group: number, index: number): string {
  return `bu-${group}-${index}`;
}

export function benchUserIds(group: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => benchUserId(group, i));
}

/** An 11-digit mainland-style mobile, unique per (group, index). */
export function benchMobile(group: number, index: number): string {
  return `139${String(group).padStart(3, '0')}${String(index).padStart(5, '0')}`;
}

export function benchUser(id: string): User | undefined {
  const match = ID.exec(id);
  if (!match) return undefined;
  const [group, index] = [Number(match[1]), Number(match[2])];
  return {
    id,
    name: `Bench ${group}-${index}`,
    mobile: benchMobile(group, index),
    roles: [],
    channels: {},
    notices: {},
  };
}

/** The worker's directory: every well-formed bench id is a user; anything else is unknown. */
export const benchDirectory: UserDirectory = {
  get: (id) => Promise.resolve(benchUser(id)),
  membersOf: () => Promise.resolve([]),
};

/** Bench approvals always carry their policy in the start request; no ticket type has a stored one. */
export const noPolicies: PolicySource = { forTicketType: () => Promise.resolve(undefined) };
