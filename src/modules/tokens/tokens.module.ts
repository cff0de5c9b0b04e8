import { Module } from '@nestjs/common';
import { EligibilityModule } from '../eligibility/eligibility.module';
import { TokensController } from './tokens.controller';
import { IssuanceService } from './issuance.service';
import { IssuerKeyStore } from './issuer-keys.service';
import { IssuerRegistry } from './issuer-registry';
import { ElectionIssuers } from './election-issuers';

@Module({
  imports: [EligibilityModule],
  controllers: [TokensController],
  providers: [IssuerRegistry, IssuerKeyStore, IssuanceService, ElectionIssuers],
  exports: [IssuerKeyStore, IssuanceService, ElectionIssuers],
})
export class TokensModule {}
