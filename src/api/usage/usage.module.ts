import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { ChannelConfigSource } from '../../channels/registry.js';
import type { UsageStore } from '../../usage/usage.js';
import { UsageController } from './usage.controller.js';
import { USAGE_CHANNELS, USAGE_STORE, UsageService } from './usage.service.js';

export interface UsageModuleOptions {
  /** Where the worker counts platform calls (the database, so every process sees the same numbers). */
  store: UsageStore;
  /** The channel configs (app ids, `monthlyQuota`). */
  channelSource: ChannelConfigSource;
}

/** GET /v1/channels/:kind/usage: this month's platform calls against the monthly quota. */
@Module({})
export class UsageModule {
  static register(options: UsageModuleOptions): DynamicModule {
    return {
      module: UsageModule,
      controllers: [UsageController],
      providers: [
        { provide: USAGE_STORE, useValue: options.store },
        { provide: USAGE_CHANNELS, useValue: options.channelSource },
        UsageService,
      ],
      exports: [UsageService],
    };
  }
}
