/** The workflows the worker bundles (its `workflowsPath`). */
export { ticketApproval } from './ticket-approval.js';
export { ticketNotice } from './ticket-notice.js';
