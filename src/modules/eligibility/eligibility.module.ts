import { Module } from '@nestjs/common';
import { EligibilityController } from './eligibility.controller';
import { DatabaseElectionPolicySource, ElectionPolicySource, EligibilityService } from './eligibility.service';
import { RollService } from './roll.service';

/** The voter roll (keyed hashes of national numbers) and the eligibility rules. Needs IdentityModule (global). */
@Module({
  controllers: [EligibilityController],
  providers: [RollService, EligibilityService, { provide: ElectionPolicySource, useClass: DatabaseElectionPolicySource }],
  exports: [RollService, EligibilityService, ElectionPolicySource],
})
export class EligibilityModule {}
