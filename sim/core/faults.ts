import { z } from 'zod';
import { SIM_PLATFORMS, type SimPlatform } from './types.js';

/**
 * What an injected fault does. `error`: answer `status` (default 500) in the platform's format; `delay`: wait
 * `delayMs` then handle the request normally; `token-expired` / `rate-limit` / `quota`: the platform's documented
 * answer for that condition; `reset`: destroy the socket without an answer.
 */
export const SimFaultKind = z.enum(['error', 'delay', 'token-expired', 'rate-limit', 'quota', 'reset']);
export type SimFaultKind = z.infer<typeof SimFaultKind>;

export const SimFaultSpec = z.object({
  platform: z.enum(SIM_PLATFORMS as [SimPlatform, ...SimPlatform[]]).optional(),
  /** Matches when the request path (after the platform prefix) contains this string. */
  path: z.string().default(''),
  method: z.string().toUpperCase().optional(),
  kind: SimFaultKind,
  /** How many matching requests it affects. */
  count: z.number().int().min(1).default(1),
  status: z.number().int().min(100).max(599).optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
  /** For rate-limit: seconds until reset, reported in the platform's header. */
  resetSeconds: z.number().int().min(0).optional(),
});
export type SimFaultSpec = z.input<typeof SimFaultSpec>;
export type SimFault = z.infer<typeof SimFaultSpec> & { id: number; remaining: number };

/** Queue of faults; each matching request consumes one use of the oldest matching fault. */
export class FaultQueue {
  private faults: SimFault[] = [];
  private nextId = 1;

  add(spec: SimFaultSpec): SimFault {
    const parsed = SimFaultSpec.parse(spec);
    const fault: SimFault = { ...parsed, id: this.nextId++, remaining: parsed.count };
    this.faults.push(fault);
    return fault;
  }

  /** Consume the first fault matching this request, if any. */
  take(platform: SimPlatform, method: string, path: string): SimFault | undefined {
    const fault = this.faults.find(
      (f) =>
        (f.platform === undefined || f.platform === platform) &&
        (f.method === undefined || f.method === method.toUpperCase()) &&
        path.includes(f.path),
    );
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  list(): SimFault[] {
    return [...this.faults];
  }

  clear(): void {
    this.faults = [];
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
