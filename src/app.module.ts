import { DynamicModule, Module, type ForwardReference, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { loggerParams } from './common/logging';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { BallotsModule } from './modules/ballots/ballots.module';
import { BoardModule } from './modules/board/board.module';
import { EligibilityModule } from './modules/eligibility/eligibility.module';
import { ElectionsModule } from './modules/elections/elections.module';
import { HealthModule } from './modules/health/health.module';
import { IdentityModule } from './modules/identity/identity.module';
import { KeyCeremonyModule } from './modules/key-ceremony/key-ceremony.module';
import { SandboxIdpModule } from './modules/sandbox-idp/sandbox-idp.module';
import { TallyModule } from './modules/tally/tally.module';
import { TokensModule } from './modules/tokens/tokens.module';
import { RemoteIssuersModule } from './modules/tokens/remote-issuers';
import { WebModule } from './modules/web/web.module';

/** The platform. `config` is the already-validated configuration (validated once, in main or a test). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extraImports: ModuleImport[] = [], logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ ...config })] }),
        { module: AppConfigHolder, global: true, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] },
        LoggerModule.forRoot(loggerParams(config, logDestination)),
        DatabaseModule,
        RemoteIssuersModule,
        HealthModule,
        BoardModule,
        TokensModule,
        IdentityModule,
        EligibilityModule,
        KeyCeremonyModule,
        ElectionsModule,
        BallotsModule,
        WebModule,
        TallyModule,
        ...(config.sandboxIdpEnabled ? [SandboxIdpModule] : []),
        ...extraImports,
      ],
    };
  }
}

@Module({})
class AppConfigHolder {}

export type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;
