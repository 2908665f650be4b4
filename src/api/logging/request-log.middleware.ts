import { Injectable } from '@nestjs/common';
import type { NestMiddleware } from '@nestjs/common';
import { approvalWorkflowId } from '../../domain/approval.js';
import { withLogContext, type LogContext } from '../../logging/log-context.js';
import { rootLogger } from '../../logging/logger.js';

interface LoggedRequest {
  method: string;
  originalUrl: string;
  query?: Record<string, unknown>;
  body?: unknown;
}

interface LoggedResponse {
  statusCode: number;
  on(event: 'finish', listener: () => void): unknown;
}

const APPROVAL_PATH = /^\/v1\/approvals\/([^/?#]+)/;
// Scrapers and probes call these every few seconds: their lines are debug-level noise.
const QUIET_PATHS = new Set(['/metrics', '/health']);

/**
 * One JSON line per request (method, path without query, status, duration), and a log context for everything
 * logged while the request is handled: the ticket and workflow id when the path or body names a ticket.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  use(req: LoggedRequest, res: LoggedResponse, next: () => void): void {
    const started = performance.now();
    const path = req.originalUrl.split('?')[0] ?? '';
    const context = requestContext(path, req);
    withLogContext(context, () => {
      res.on('finish', () => {
        const line = { ...context, method: req.method, path, status: res.statusCode };
        const ms = Math.round(performance.now() - started);
        const log = rootLogger();
        if (res.statusCode >= 500) log.error({ ...line, ms }, 'request failed');
        else if (QUIET_PATHS.has(path)) log.debug({ ...line, ms }, 'request');
        else log.info({ ...line, ms }, 'request');
      });
      next();
    });
  }
}

function requestContext(path: string, req: LoggedRequest): LogContext {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const fromPath = APPROVAL_PATH.exec(path)?.[1];
  const ticketId = fromPath !== undefined ? safeDecode(fromPath) : text(body.ticketId);
  if (ticketId === undefined) return {};
  const tenant = text(req.query?.tenant) ?? text(body.tenant) ?? 'default';
  return { ticketId, tenant, workflowId: approvalWorkflowId(tenant, ticketId) };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
