import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CurrentUser, Roles } from '../identity/roles';
import type { SessionPrincipal } from '../identity/session.service';
import { CreateElectionDto } from './elections.dto';
import { ElectionsService } from './elections.service';
import { toElectionView } from './election-view';
import { TRANSITIONS, type ElectionAction } from './lifecycle';

class ActionQuery {
  @IsIn(Object.keys(TRANSITIONS))
  action: ElectionAction;
}

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('elections')
@Controller('elections')
export class ElectionsController {
  constructor(private readonly elections: ElectionsService) {}

  @Post()
  @Roles('official')
  @ApiOperation({ summary: 'Create an election (draft) from its definition and contests' })
  async create(@Body() dto: CreateElectionDto) {
    const election = await this.elections.create(dto);
    return toElectionView(election, await this.elections.trustees(election.id));
  }

  @Get()
  @ApiOperation({ summary: 'All elections (public)' })
  async list() {
    return (await this.elections.list()).map((e) => toElectionView(e));
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
  @Roles('official')
  @ApiOperation({ summary: 'Freeze the definition and start the key ceremony' })
  async startKeyCeremony(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal) {
    return toElectionView(await this.elections.transition(id, 'start_key_ceremony', user));
  }

  @Post(':id/open')
  @HttpCode(200)
  @Roles('official')
  @ApiOperation({ summary: 'Open the election (needs a step-up confirmation of this action)' })
  async open(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal) {
    return toElectionView(await this.elections.transition(id, 'open', user));
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('official')
  @ApiOperation({ summary: 'Close the election (needs a step-up confirmation of this action)' })
  async close(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal) {
    return toElectionView(await this.elections.transition(id, 'close', user));
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Roles('official')
  @ApiOperation({ summary: 'Publish the tallied result (needs a step-up confirmation of this action)' })
  async publish(@Param('id', uuid) id: string, @CurrentUser() user: SessionPrincipal) {
    return toElectionView(await this.elections.transition(id, 'publish', user));
  }
}
