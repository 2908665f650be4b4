import { AsyncLocalStorage } from 'node:async_hooks';

/** What ties a log line to an approval (or a notice). */
export interface LogContext {
  ticketId?: string;
  workflowId?: string;
  tenant?: string;
  /** A notice's event id (`notice:<tenant>:<eventId>` runs). */
  eventId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with its own log context: every line logged inside (also after awaits) carries it. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...context }, fn);
}

/** Adds what became known later (e.g. the ticket id once a callback is decrypted) to the current context. */
export function setLogContext(context: LogContext): void {
  const current = storage.getStore();
  if (current) Object.assign(current, context);
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

const WORKFLOW_ID = /^approval:([^:]+):(.+)$/;
const NOTICE_ID = /^notice:([^:]+):(.+)$/;
/** The approval's own events: `approval:<ticketId>:<event>[:<n>]`. */
const APPROVAL_EVENT_ID = /^approval:([^:]+):/;

/**
 * `approval:<tenant>:<ticketId>` → its tenant and ticket id; `notice:<tenant>:<eventId>` → its tenant and event id
 * (and the ticket, for an event the approval raised). The workflow id is the business key.
 */
export function contextOfWorkflowId(workflowId: string): LogContext {
  const approval = WORKFLOW_ID.exec(workflowId);
  if (approval) return { workflowId, tenant: approval[1], ticketId: approval[2] };
  const notice = NOTICE_ID.exec(workflowId);
  if (!notice) return { workflowId };
  const ticketId = APPROVAL_EVENT_ID.exec(notice[2] ?? '')?.[1];
  return { workflowId, tenant: notice[1], eventId: notice[2], ...(ticketId && { ticketId }) };
}
