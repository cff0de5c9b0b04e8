import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DealingBody, VerdictsBody } from './key-ceremony.dto';
import { KeyCeremonyService } from './key-ceremony.service';
import { CurrentTrustee, TrusteeAuthGuard } from './trustee-auth.guard';

/** The key ceremony: public to read; trustees write with signed requests (docs/protocol.md §35). */
@ApiTags('key-ceremony')
@Controller('elections/:id/key-ceremony')
export class KeyCeremonyController {
  constructor(private readonly ceremony: KeyCeremonyService) {}

  @Get()
  @ApiOperation({ summary: 'Parameters, dealings, verdicts, state and (when complete) the key set and base hash' })
  view(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string) {
    return this.ceremony.view(id);
  }

  @Post('dealings')
  @HttpCode(200)
  @UseGuards(TrusteeAuthGuard)
  @ApiOperation({ summary: "A trustee's dealing (signed request)" })
  dealing(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @CurrentTrustee() trustee: number, @Body() body: DealingBody) {
    return this.ceremony.submitDealing(id, trustee, body.dealing);
  }

  @Post('verdicts')
  @HttpCode(200)
  @UseGuards(TrusteeAuthGuard)
  @ApiOperation({ summary: "A trustee's verdicts on the other dealings: ok or a complaint (signed request)" })
  verdicts(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @CurrentTrustee() trustee: number, @Body() body: VerdictsBody) {
    return this.ceremony.submitVerdicts(id, trustee, body.verdicts);
  }
}
