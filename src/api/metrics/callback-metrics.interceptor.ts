import { Inject, Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { ApiMetrics } from '../../metrics/api-metrics.js';
import { ApiError } from '../common/api-error.js';

/**
 * Times every platform card callback from arrival to answer (`approvals_callback_duration_seconds`): `answered`
 * when the platform got its 200, else the error code it was refused with (bad signature, stale, malformed…).
 */
@Injectable()
export class CallbackMetricsInterceptor implements NestInterceptor {
  constructor(@Inject(ApiMetrics) private readonly metrics: ApiMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const started = performance.now();
    const path = context.switchToHttp().getRequest<{ path?: string }>().path ?? '';
    const platform = path.split('/').filter(Boolean).at(-1) ?? 'unknown';
    const done = (outcome: string) => this.metrics.observeCallback(platform, performance.now() - started, outcome);
    return next.handle().pipe(
      tap({
        next: () => done('answered'),
        error: (err: unknown) => done(err instanceof ApiError ? err.code : 'error'),
      }),
    );
  }
}
