import { Body, Controller, Get, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { CurrentUser, ElectionOfficial, Roles } from '../identity/roles';
import type { SessionPrincipal } from '../identity/session.service';
import { EligibilityService } from './eligibility.service';
import { RollJsonDto } from './eligibility.dto';
import { parseRollCsv, RollService } from './roll.service';

class RollCsvDto {
  /** `national_number,constituency,basis` lines, optional header. */
  @IsString() @MaxLength(16 * 1024 * 1024) csv: string;
}


@ApiTags('eligibility')
@Controller('elections/:electionId')
export class EligibilityController {
  constructor(
    private readonly roll: RollService,
    private readonly eligibility: EligibilityService,
  ) {}

  /** Replaces the election's voter roll (JSON entries; the entry index is the "line" of errors). */
  @Put('roll')
  @ElectionOfficial('electionId')
  importJson(@Param('electionId', ParseUUIDPipe) electionId: string, @Body() dto: RollJsonDto) {
    return this.roll.replace(electionId, dto.entries);
  }

  /** Replaces the election's voter roll from CSV text. */
  @Put('roll/csv')
  @ElectionOfficial('electionId')
  importCsv(@Param('electionId', ParseUUIDPipe) electionId: string, @Body() dto: RollCsvDto) {
    return this.roll.replace(electionId, parseRollCsv(dto.csv));
  }

  /** Counts per constituency (no entries: they are hashes anyway). */
  @Get('roll')
  @ElectionOfficial('electionId')
  summary(@Param('electionId', ParseUUIDPipe) electionId: string) {
    return this.roll.summary(electionId);
  }

  /** May the logged-in voter vote in this election, and if not, why not. */
  @Get('eligibility')
  @Roles('voter')
  check(@Param('electionId', ParseUUIDPipe) electionId: string, @CurrentUser() user: SessionPrincipal) {
    return this.eligibility.check(user, electionId);
  }
}
