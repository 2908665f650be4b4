import { Module } from '@nestjs/common';
import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { CodecController } from './codec.controller.js';
import { CodecHttpMiddleware } from './codec-http.middleware.js';
import { CODEC_OPTIONS } from './codec.options.js';
import type { CodecOptions } from './codec.options.js';

/** The codec server the Temporal UI uses to show encrypted approvals to admins (see README, "Operators"). */
@Module({})
export class CodecModule implements NestModule {
  static register(options: CodecOptions): DynamicModule {
    return {
      module: CodecModule,
      controllers: [CodecController],
      providers: [{ provide: CODEC_OPTIONS, useValue: options }, CodecHttpMiddleware],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CodecHttpMiddleware).forRoutes(CodecController);
  }
}
