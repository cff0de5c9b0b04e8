import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTrustee, TrusteeAuthGuard } from '../key-ceremony/trustee-auth.guard';
import { DecryptionShareBody } from './tally.dto';
import { TallyService } from './tally.service';

/** The tally and its threshold decryption: public to read; trustees post shares with signed requests (docs/protocol.md §70). */
@ApiTags('tally')
@Controller('elections/:id/tally')
export class TallyController {
  constructor(private readonly tally: TallyService) {}

  @Get()
  @ApiOperation({ summary: 'The encrypted aggregate (computed on the first request after the close), the shares received and the result when done' })
  view(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string) {
    return this.tally.view(id);
  }

  @Post('shares')
  @HttpCode(200)
  @UseGuards(TrusteeAuthGuard)
  @ApiOperation({ summary: "A trustee's decryption share of the aggregate, with proofs (signed request)" })
  share(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @CurrentTrustee() trustee: number, @Body() body: DecryptionShareBody) {
    return this.tally.submitShare(id, trustee, body.share);
  }
}
