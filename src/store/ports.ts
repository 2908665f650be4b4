import type { ApprovalPolicy } from '../domain/policy.js';
import type { User } from '../domain/user.js';

/** Where approval policies come from (a config file today; stored, versioned rules later). */
export interface PolicySource {
  /** The policy for a ticket type, falling back to the tenant's default; undefined when neither exists. */
  forTicketType(tenant: string, ticketType: string): Promise<ApprovalPolicy | undefined>;
}

/** Users and roles (a config file today; the users API later). */
export interface UserDirectory {
  get(userId: string): Promise<User | undefined>;
  membersOf(role: string): Promise<User[]>;
}
