import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { ForbiddenError } from '../../common/errors/domain-error';
import { CurrentUser, ElectionOfficial, Roles } from '../identity/roles';
import type { SessionPrincipal } from '../identity/session.service';
import { CreateElectionDto, OfficialDto } from './elections.dto';
import { ElectionsService } from './elections.service';
import { toElectionView } from './election-view';
import { TRANSITIONS } from './lifecycle';
import { type ConfirmableAction, OFFICIAL_ACTIONS } from './action-message';

class ListQuery {
  /** `true`: archived drafts too (they are left out otherwise). */
  @IsOptional() @IsIn(['true', 'false'], { message: 'archived must be true or false' }) archived?: 'true' | 'false';
}

class ActionQuery {
  @IsIn([...Object.keys(TRANSITIONS), ...OFFICIAL_ACTIONS])
  action: ConfirmableAction;
}

/** Optional deadlines of the ceremony's two rounds (§35.6); by default three days to deal, two more for verdicts. */
class StartCeremonyBody {
  @IsOptional() @IsISO8601({ strict: true }, { message: 'dealingDeadline must be an ISO 8601 date and time' }) dealingDeadline?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'verdictDeadline must be an ISO 8601 date and time' }) verdictDeadline?: string;
}

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('elections')
@Controller('elections')
export class ElectionsController {
  constructor(private readonly elections: ElectionsService) {}

  @Post()
  @Roles('official')
  @ApiOperation({ summary: 'Create an election (draft) from its definition and contests; its creator becomes its official' })
  async create(@Body() dto: CreateElectionDto, @CurrentUser() user: SessionPrincipal) {
    // The official role comes from a national number, so a session without one never gets here.
    if (!user.nationalNumberHmac) throw new ForbiddenError('forbidden_role', 'This needs the role official');
    const election = await this.elections.create(dto, [user.nationalNumberHmac]);
    return toElectionView(election, await this.elections.trustees(election.id));
  }

  @Get()
  @ApiOperation({ summary: 'All elections (public); archived drafts only with ?archived=true' })
  async list(@Query() q: ListQuery) {
    return (await this.elections.list(q.archived === 'true')).map((e) => toElectionView(e));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One election: definition, manifest, trustees, issuers, status, key (public)' })
  async get(@Param('id', uuid) id: string) {
    return toElectionView(await this.elections.get(id), await this.elections.trustees(id));
  }

  @Get(':id/action-message')
  @ApiOperation({ summary: 'The message (and its hash) an official confirms with itsme before an action' })
  actionMessage(@Param('id', uuid) id: string, @Query() q: ActionQuery) {
    return this.elections.actionMessage(id, q.action);
  }

  @Post(':id/key-ceremony')
  @HttpCode(200)
  @ElectionOfficial('id')
  @ApiOperation({ summary: 'Freeze the definition and start the key ceremony (needs a step-up confirmation of this action)' })
  async startKeyCeremony(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal, @Body() body: StartCeremonyBody) {
    return toElectionView(await this.elections.transition(id, 'start_key_ceremony', user, body));
  }

  @Post(':id/abandon-ceremony')
  @HttpCode(200)
  @ElectionOfficial('id')
  @ApiOperation({ summary: 'Archive an election whose key ceremony failed, to start again with other trustees in a new election (needs a step-up confirmation of this action)' })
  async abandonCeremony(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal) {
    return toElectionView(await this.elections.transition(id, 'abandon_ceremony', user));
  }

  @Post(':id/open')
  @HttpCode(200)
  @ElectionOfficial('id')
  @ApiOperation({ summary: 'Open the election (needs a step-up confirmation of this action)' })
  async open(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal) {
    return toElectionView(await this.elections.transition(id, 'open', user));
  }

  @Post(':id/close')
  @HttpCode(200)
  @ElectionOfficial('id')
  @ApiOperation({ summary: 'Close the election (needs a step-up confirmation of this action)' })
  async close(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal) {
    return toElectionView(await this.elections.transition(id, 'close', user));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @ElectionOfficial('id')
  @ApiOperation({ summary: 'Archive a draft: set aside for good, out of the lists; its issuer keys are erased (needs a step-up confirmation of this action)' })
  async archive(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal) {
    return toElectionView(await this.elections.transition(id, 'archive', user));
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ElectionOfficial('id')
  @ApiOperation({ summary: 'Publish the tallied result (needs a step-up confirmation of this action)' })
  async publish(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal) {
    return toElectionView(await this.elections.transition(id, 'publish', user));
  }

  @Post(':id/officials')
  @HttpCode(200)
  @ElectionOfficial('id')
  @ApiOperation({ summary: 'Add a co-official to this election (by national number; only its keyed hash is kept; needs a step-up confirmation of add_official)' })
  async addOfficial(@Param('id', uuid) id: string, @Body() dto: OfficialDto, @CurrentUser() user: SessionPrincipal) {
    return this.elections.addOfficial(id, dto.nationalNumber, user);
  }

  // The national number goes in the body, never in the path: URLs end up in access logs.
  @Delete(':id/officials')
  @HttpCode(200)
  @ElectionOfficial('id')
  @ApiOperation({ summary: 'Remove an official from this election (never the last: 409 last_official; needs a step-up confirmation of remove_official)' })
  async removeOfficial(@Param('id', uuid) id: string, @Body() dto: OfficialDto, @CurrentUser() user: SessionPrincipal) {
    return this.elections.removeOfficial(id, dto.nationalNumber, user);
  }
}
