import { Module } from '@nestjs/common';
import { IssuanceService } from './issuance.service';
import { IssuerRegistry } from './issuer-registry';

@Module({
  providers: [IssuerRegistry, IssuanceService],
  exports: [IssuerRegistry, IssuanceService],
})
export class TokensModule {}
