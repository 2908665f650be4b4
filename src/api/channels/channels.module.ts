import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ChannelsController, SecretsController } from './channels.controller.js';
import { CHANNELS_SETTINGS, ChannelsService, type ChannelsSettings } from './channels.service.js';

/** /v1/channels (admin, dba) and /v1/secrets/rotate (admin). */
@Module({})
export class ChannelsModule {
  static register(settings: ChannelsSettings): DynamicModule {
    return {
      module: ChannelsModule,
      controllers: [ChannelsController, SecretsController],
      providers: [{ provide: CHANNELS_SETTINGS, useValue: settings }, ChannelsService],
    };
  }
}
