import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { AuthController } from './auth.controller';
import { LoginService } from './login.service';
import { NationalNumberHasher } from './national-number-hasher';
import { OidcClientService } from './oidc-client.service';
import { SessionGuard } from './roles';
import { RpKeys } from './rp-keys';
import { SessionService } from './session.service';
import { StepUpService } from './step-up.service';

/**
 * Identity: the OpenID Connect relying party (itsme or the sandbox), sessions, roles and step-up
 * confirmations. Global, so that any module can use `@Roles(...)`, `@CurrentUser()` and StepUpService.
 */
@Global()
@Module({
  controllers: [AuthController],
  providers: [
    { provide: RpKeys, inject: [AppConfig], useFactory: (config: AppConfig) => RpKeys.fromConfig(config) },
    { provide: NationalNumberHasher, inject: [AppConfig], useFactory: (config: AppConfig) => NationalNumberHasher.fromConfig(config) },
    OidcClientService,
    SessionService,
    StepUpService,
    LoginService,
    SessionGuard,
  ],
  exports: [RpKeys, NationalNumberHasher, SessionService, StepUpService, SessionGuard],
})
export class IdentityModule {}
