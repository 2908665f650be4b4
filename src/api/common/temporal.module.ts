import { Inject, Injectable, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';

/** The Temporal `Client` every feature injects with `@Inject(TEMPORAL_CLIENT)`. */
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
const TEMPORAL_CONNECTION = Symbol('TEMPORAL_CONNECTION');

export interface TemporalModuleOptions {
  address: string;
  namespace: string;
  /** Use this client instead of connecting (tests); the API then leaves closing it to its owner. */
  client?: Client;
  /** The payload codec's converter, when on: approvals the API starts and reads are encrypted in history. */
  dataConverter?: DataConverter;
}

/** Closes the connection the API opened itself, once the HTTP server has stopped taking requests. */
@Injectable()
class TemporalConnectionCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('Temporal');

  constructor(@Inject(TEMPORAL_CONNECTION) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection
      .close()
      .catch((err: unknown) => this.logger.warn(`closing the connection failed: ${String(err)}`));
  }
}

@Module({})
export class TemporalModule {
  static register(options: TemporalModuleOptions): DynamicModule {
    const providers: Provider[] = options.client
      ? [{ provide: TEMPORAL_CLIENT, useValue: options.client }]
      : [
          // Lazy: the API boots (and /health answers "down") while Temporal is still starting or unreachable.
          { provide: TEMPORAL_CONNECTION, useFactory: () => Connection.lazy({ address: options.address }) },
          {
            provide: TEMPORAL_CLIENT,
            inject: [TEMPORAL_CONNECTION],
            useFactory: (connection: Connection) =>
              new Client({
                connection,
                namespace: options.namespace,
                ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
              }),
          },
          TemporalConnectionCloser,
        ];
    return { module: TemporalModule, global: true, providers, exports: [TEMPORAL_CLIENT] };
  }
}
