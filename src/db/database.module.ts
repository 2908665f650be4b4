import { Inject, Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import type { Store } from './store.js';

/** The Store every admin feature injects with `@Inject(STORE)`. */
export const STORE = Symbol('STORE');

/** Gives the database back once the HTTP server has stopped taking requests. */
@Injectable()
class StoreReleaser implements OnApplicationShutdown {
  constructor(@Inject(STORE) private readonly store: Store) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.release();
  }
}

@Module({})
export class DatabaseModule {
  /** The API owns `store` from here on and releases it on shutdown. */
  static register(store: Store): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [{ provide: STORE, useValue: store }, StoreReleaser],
      exports: [STORE],
    };
  }
}
