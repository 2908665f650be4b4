import { AsyncLocalStorage } from 'node:async_hooks';

/** What ties a log line to an approval. */
export interface LogContext {
  ticketId?: string;
  workflowId?: string;
  tenant?: string;
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

/** `approval:<tenant>:<ticketId>` → its tenant and ticket id (the workflow id is the business key). */
export function contextOfWorkflowId(workflowId: string): LogContext {
  const match = WORKFLOW_ID.exec(workflowId);
  return match ? { workflowId, tenant: match[1], ticketId: match[2] } : { workflowId };
}
