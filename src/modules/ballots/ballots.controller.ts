import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditBallotDto, CastBallotDto } from './ballots.dto';
import { BallotsService } from './ballots.service';

const uuid = new ParseUUIDPipe({ version: '4' });

/**
 * Anonymous endpoints: no guard, no session, no cookie is read. Who casts is unknown to the server by
 * construction; the token proves the right to cast, not an identity.
 */
@ApiTags('ballots')
@Controller('elections/:id')
export class BallotsController {
  constructor(private readonly ballots: BallotsService) {}

  @Post('ballots')
  @ApiOperation({ summary: 'Cast an encrypted ballot with a ballot token (anonymous); answers a signed receipt' })
  cast(@Param('id', uuid) electionId: string, @Body() dto: CastBallotDto) {
    return this.ballots.cast(electionId, dto);
  }

  @Post('audits')
  @ApiOperation({ summary: 'Benaloh audit: publish an opened ballot (never counted); answers what it encrypted' })
  audit(@Param('id', uuid) electionId: string, @Body() dto: AuditBallotDto) {
    return this.ballots.audit(electionId, dto);
  }

  @Get('ballots/:trackingCode')
  @ApiOperation({ summary: 'Find a ballot on the board by tracking code, with its inclusion proof' })
  find(@Param('id', uuid) electionId: string, @Param('trackingCode') trackingCode: string) {
    return this.ballots.findByTrackingCode(electionId, trackingCode);
  }
}
