import { z } from 'zod';

/**
 * Who a bearer token speaks for. `admin` may do everything; `ticket-system` starts, withdraws and reads
 * approvals; `approver` decides (the workflow checks it is their approval) and reads; `dba` reads.
 */
export const Role = z.enum(['admin', 'dba', 'ticket-system', 'approver']);
export type Role = z.infer<typeof Role>;

/** The authenticated caller, attached to the request by the guard. */
export interface Principal {
  tokenId: string;
  role: Role;
  /** Our user id: the approver deciding, the ticket system withdrawing, 'admin' for the bootstrap token. */
  userId: string;
  label?: string;
}

/** Body of POST /v1/tokens. */
export const CreateTokenRequest = z.object({
  role: Role,
  userId: z.string().min(1).max(128),
  label: z.string().min(1).max(100).optional(),
});
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

/** Answer of POST /v1/tokens: the only time the token itself is shown. */
export const CreatedToken = z.object({
  token: z.string().meta({ description: 'Bearer token; shown once, stored only as a SHA-256 hash' }),
  tokenId: z.string(),
  role: Role,
  userId: z.string(),
  label: z.string().optional(),
  createdAt: z.iso.datetime(),
});
export type CreatedToken = z.infer<typeof CreatedToken>;
