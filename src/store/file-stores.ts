import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ApprovalPolicy } from '../domain/policy.js';
import { User } from '../domain/user.js';
import type { PolicySource, UserDirectory } from './ports.js';

/** `{ "<ticketType>": policy, "default": policy }` — the policy file until stored rules exist. */
export const PolicyFile = z.record(z.string(), ApprovalPolicy);
export const DirectoryFile = z.object({ users: z.array(User) });

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const text = await readFile(path, 'utf8');
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${path} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export async function loadFilePolicySource(path: string): Promise<PolicySource> {
  const policies = await readJson(path, PolicyFile);
  return {
    forTicketType: (_tenant, ticketType) => Promise.resolve(policies[ticketType] ?? policies['default']),
  };
}

export async function loadFileUserDirectory(path: string): Promise<UserDirectory> {
  return inMemoryUserDirectory((await readJson(path, DirectoryFile)).users);
}

export function inMemoryUserDirectory(users: User[]): UserDirectory {
  const byId = new Map(users.map((u) => [u.id, u]));
  return {
    get: (id) => Promise.resolve(byId.get(id)),
    membersOf: (role) => Promise.resolve(users.filter((u) => u.roles.includes(role))),
  };
}
