import { Inject, Logger, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type Provider from 'oidc-provider';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { ADVISORY_LOCK, withAdvisoryLock } from '../../database/advisory-lock';
import { DEMO_ELECTION_ID } from '../eligibility/demo-election';
import { EligibilityModule } from '../eligibility/eligibility.module';
import { RollService } from '../eligibility/roll.service';
import { SandboxClientJwks } from './client-jwks';
import { CONFIRM_CALLBACK_PATH } from '../identity/oidc-client.service';
import { SANDBOX_IDENTITIES } from './identities';
import { createSandboxProvider, SANDBOX_MOUNT_PATH } from './sandbox-provider';
import { SandboxIdpController } from './sandbox-idp.controller';
import { SANDBOX_PROVIDER } from './sandbox-idp.tokens';

/**
 * The sandbox identity provider, mounted at /sandbox-idp on the same server (SANDBOX_IDP_ENABLED).
 * Its one registered client is this platform's relying party, with the relying party's own JWKS.
 */
@Module({
  imports: [EligibilityModule],
  controllers: [SandboxIdpController],
  providers: [
    {
      provide: SANDBOX_PROVIDER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        createSandboxProvider({
          issuer: `${config.publicUrl}${SANDBOX_MOUNT_PATH}`,
          clientId: config.OIDC_CLIENT_ID,
          serviceCode: config.OIDC_SERVICE_CODE,
          confirmServiceCode: config.OIDC_CONFIRM_SERVICE_CODE,
          redirectUris: config.publicOrigins.map((o) => `${o}/auth/callback`),
          // Over HTTP, like itsme: the sandbox sees a rotation of our keys only when its cache expires.
          clientJwksUri: `${config.publicUrl}/auth/jwks.json`,
          confirmRedirectUris: config.publicOrigins.map((o) => `${o}${CONFIRM_CALLBACK_PATH}`),
        }),
    },
    {
      provide: SandboxClientJwks,
      inject: [SANDBOX_PROVIDER, AppConfig],
      useFactory: (provider: Provider, config: AppConfig) => new SandboxClientJwks(provider, config.OIDC_CLIENT_ID),
    },
  ],
  exports: [SandboxClientJwks],
})
export class SandboxIdpModule implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('SandboxIdp');

  constructor(
    @Inject(SANDBOX_PROVIDER) private readonly provider: Provider,
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
    private readonly roll: RollService,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * When the relying party uses the sandbox, the demo election's roll starts as the fixture's, so that
   * `npm start` shows eligibility answers at once. An imported roll is never overwritten. Under the demo
   * seeding lock: instances starting together would both find the roll empty and both insert it.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.OIDC_ISSUER !== undefined) return;
    await withAdvisoryLock(this.dataSource, ADVISORY_LOCK.demoSeeding, async () => {
      if ((await this.roll.summary(DEMO_ELECTION_ID)).entries > 0) return;
      const entries = SANDBOX_IDENTITIES.filter((i) => i.roll).map((i) => ({ nationalNumber: i.nationalNumber, constituency: i.roll!.constituency, basis: i.roll!.basis }));
      await this.roll.replace(DEMO_ELECTION_ID, entries);
      this.logger.log(`Demo election roll seeded with ${entries.length} sandbox identities`);
    });
  }

  onModuleInit(): void {
    // Nest's own routes (the interaction pages) are registered before this hook, so they win.
    this.adapterHost.httpAdapter.getInstance().use(SANDBOX_MOUNT_PATH, this.provider.callback());
    this.provider.on('server_error', (_ctx, err) => this.logger.error(`Sandbox provider error: ${err.message}`));
    if (this.config.NODE_ENV === 'production') {
      this.logger.warn('SANDBOX_IDP_ENABLED in production: anyone can log in as a fake identity. Only for demonstrations.');
    }
    this.logger.log(`Sandbox identity provider at ${this.provider.issuer} (fake identities, not itsme)`);
  }
}
