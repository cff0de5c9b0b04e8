import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { AuthController } from './auth.controller';
import { DeviceKeys } from './device-key';
import { ElectionOfficials } from './election-officials';
import { LoginService } from './login.service';
import { NationalNumberHasher } from './national-number-hasher';
import { OidcClientService } from './oidc-client.service';
import { SessionGuard } from './roles';
import { RpKeys } from './rp-keys';
import { SessionService } from './session.service';
import { StepUpService } from './step-up.service';

/**
 * Identity: the OpenID Connect relying party (itsme or the sandbox), sessions, roles and step-up
 * confirmations, the officials of each election. Global, so that any module can use `@Roles(...)`,
 * `@ElectionOfficial(...)`, `@CurrentUser()` and StepUpService.
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
    ElectionOfficials,
    DeviceKeys,
  ],
  exports: [RpKeys, NationalNumberHasher, SessionService, StepUpService, SessionGuard, ElectionOfficials],
})
export class IdentityModule {}
