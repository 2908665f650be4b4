import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { STORE } from '../../db/database.module.js';
import type { Store } from '../../db/store.js';
import { AuthGuard } from './auth.guard.js';
import { TokenStore } from './token-store.js';
import { TokensController } from './tokens.controller.js';

export interface AuthModuleOptions {
  /** Bootstrap admin token (ADMIN_TOKEN); without it no token can be minted. */
  adminToken?: string;
}

@Module({})
export class AuthModule {
  static register(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      controllers: [TokensController],
      providers: [
        {
          provide: TokenStore,
          inject: [STORE],
          useFactory: (store: Store) => new TokenStore(options.adminToken, store.tokens),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenStore],
    };
  }
}
