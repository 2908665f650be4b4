import type { ApprovalNotices } from '../domain/notice-state.js';
import type { ApprovalPolicy } from '../domain/policy.js';
import type { TenantSettings } from '../i18n/reader.js';
import type { User } from '../domain/user.js';

/** Where approval policies come from (a config file today; stored, versioned rules later). */
export interface PolicySource {
  /** The policy for a ticket type, falling back to the tenant's default; undefined when neither exists. */
  forTicketType(tenant: string, ticketType: string): Promise<ApprovalPolicy | undefined>;
  /**
   * Who is told of an approval's own transitions (requested, reminder, escalated, approved, …), pinned when it starts.
   * Sources without it tell nobody but the approvers their cards.
   */
  noticesFor?(tenant: string, ticketType: string): Promise<ApprovalNotices>;
}

/** Users and roles (a config file today; the users API later). */
export interface UserDirectory {
  get(userId: string): Promise<User | undefined>;
  membersOf(role: string): Promise<User[]>;
  /** The tenant's reader defaults for users who chose no language or zone (none: en-US / UTC). */
  tenantSettings?(tenant: string): Promise<TenantSettings>;
}
