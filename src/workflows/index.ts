/** The workflows the worker bundles (its `workflowsPath`). */
export { ticketApproval } from './ticket-approval.js';
