import { Module } from '@nestjs/common';
import { EligibilityModule } from '../eligibility/eligibility.module';
import { TokensController } from './tokens.controller';
import { IssuanceService } from './issuance.service';
import { IssuerRegistry } from './issuer-registry';

@Module({
  imports: [EligibilityModule],
  controllers: [TokensController],
  providers: [IssuerRegistry, IssuanceService],
  exports: [IssuerRegistry, IssuanceService],
})
export class TokensModule {}
