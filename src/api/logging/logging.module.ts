import { Module, RequestMethod } from '@nestjs/common';
import type { MiddlewareConsumer, NestModule } from '@nestjs/common';
import { RequestLogMiddleware } from './request-log.middleware.js';

/** Request lines and per-request log context for every route (the logger itself is set up by main()). */
@Module({ providers: [RequestLogMiddleware] })
export class RequestLoggingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLogMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
