import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { ChannelConfigSource } from '../../channels/registry.js';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { ApprovalLookup } from './approval-lookup.js';
import { CallbacksController } from './callbacks.controller.js';
import { CALLBACK_CLOCK, CHANNEL_CONFIG_SOURCE } from './callbacks.tokens.js';
import type { CallbackClock } from './callbacks.tokens.js';
import { CardClicksService } from './card-clicks.service.js';
import { DingtalkCallbacksService } from './dingtalk-callbacks.service.js';
import { FeishuCallbacksService } from './feishu-callbacks.service.js';
import { StreamCallbacksService } from './stream/stream-callbacks.service.js';

export interface CallbacksModuleOptions {
  /** The channel configs, from the same ChannelConfigSource the worker reads. */
  channelSource: ChannelConfigSource;
  /** Clock for the freshness window; Date.now by default. */
  now?: CallbackClock;
}

/**
 * POST /callbacks/{feishu,lark,dingtalk,dingtalk-exclusive} and the callback connections of channels in stream mode:
 * verified card clicks become decisions.
 */
@Module({})
export class CallbacksModule {
  static register(options: CallbacksModuleOptions): DynamicModule {
    return {
      module: CallbacksModule,
      imports: [ApprovalsModule],
      controllers: [CallbacksController],
      providers: [
        { provide: CHANNEL_CONFIG_SOURCE, useValue: options.channelSource },
        { provide: CALLBACK_CLOCK, useValue: options.now ?? (() => Date.now()) },
        ApprovalLookup,
        CardClicksService,
        FeishuCallbacksService,
        DingtalkCallbacksService,
        StreamCallbacksService,
      ],
      exports: [CHANNEL_CONFIG_SOURCE],
    };
  }
}
