import { Module, type DynamicModule } from '@nestjs/common';
import type { CallbackConnections } from './callback-connections.js';

export const CALLBACK_CONNECTIONS = Symbol('CALLBACK_CONNECTIONS');

/** The one CallbackConnections of the app, for the callbacks, channels and health features. */
@Module({})
export class CallbackConnectionsModule {
  static register(connections: CallbackConnections): DynamicModule {
    return {
      module: CallbackConnectionsModule,
      global: true,
      providers: [{ provide: CALLBACK_CONNECTIONS, useValue: connections }],
      exports: [CALLBACK_CONNECTIONS],
    };
  }
}
