import { Controller, Get, Param, ParseIntPipe, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BoardKey } from './board-key';
import { ConsistencyQuery, EntriesQuery, InclusionQuery } from './board.dto';
import { BoardService } from './board.service';

/** The public, read-only bulletin board: anyone may read it, nobody may change it. */
@ApiTags('board')
@Controller()
export class BoardController {
  constructor(
    private readonly board: BoardService,
    private readonly key: BoardKey,
  ) {}

  @Get('board/key')
  @ApiOperation({ summary: "The board's Ed25519 public key (signs tree heads and receipts)" })
  boardKey() {
    return { algorithm: 'Ed25519', publicKey: this.key.publicKeyHex };
  }

  @Get('elections/:electionId/record')
  @ApiOperation({ summary: 'The election record: every board entry, the latest signed tree head and the board key' })
  record(@Param('electionId', new ParseUUIDPipe({ version: '4' })) electionId: string) {
    return this.board.record(electionId);
  }

  @Get('elections/:electionId/board/head')
  @ApiOperation({ summary: 'Latest signed tree head' })
  head(@Param('electionId', new ParseUUIDPipe({ version: '4' })) electionId: string) {
    return this.board.latestHead(electionId);
  }

  @Get('elections/:electionId/board/entries')
  @ApiOperation({ summary: 'Entries in order, paged' })
  entries(@Param('electionId', new ParseUUIDPipe({ version: '4' })) electionId: string, @Query() q: EntriesQuery) {
    return this.board.entries(electionId, q.from, q.limit);
  }

  @Get('elections/:electionId/board/entries/:seq/inclusion')
  @ApiOperation({ summary: 'Inclusion proof of an entry in a signed tree head' })
  inclusion(
    @Param('electionId', new ParseUUIDPipe({ version: '4' })) electionId: string,
    @Param('seq', ParseIntPipe) seq: number,
    @Query() q: InclusionQuery,
  ) {
    return this.board.inclusion(electionId, seq, q.size);
  }

  @Get('elections/:electionId/board/consistency')
  @ApiOperation({ summary: 'Consistency proof between two signed tree heads' })
  consistency(@Param('electionId', new ParseUUIDPipe({ version: '4' })) electionId: string, @Query() q: ConsistencyQuery) {
    return this.board.consistency(electionId, q.from, q.to);
  }
}
