/**
 * The API starts an approval exactly as the package's client helpers do, so both share one implementation
 * (src/client/start-options.ts): workflow id, queue, conflict / reuse policies, search attributes, UI summary.
 */
export { approvalDetails, approvalSummary, humanTicketType, startOptions } from '../../client/start-options.js';
