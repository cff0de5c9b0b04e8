import { Readable } from 'node:stream';
import { Controller, Get, Header, Headers, Logger, Param, ParseIntPipe, ParseUUIDPipe, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BoardKey } from './board-key';
import { ConsistencyQuery, EntriesQuery, InclusionQuery } from './board.dto';
import { BoardService, type RecordFormat } from './board.service';

const RECORD_TYPES: Record<RecordFormat, string> = { json: 'application/json; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' };
const logger = new Logger('BoardController');

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
  @ApiOperation({ summary: 'The election record: every board entry, the latest signed tree head and the board key (streamed; NDJSON on Accept: application/x-ndjson)' })
  @ApiProduces(RECORD_TYPES.json, RECORD_TYPES.ndjson)
  @Header('Vary', 'Accept')
  async record(@Param('electionId', new ParseUUIDPipe({ version: '4' })) electionId: string, @Headers('accept') accept?: string): Promise<StreamableFile> {
    const format: RecordFormat = accept?.toLowerCase().includes('application/x-ndjson') ? 'ndjson' : 'json';
    const chunks = await this.board.recordStream(electionId, format);
    // highWaterMark 1: the next page is read only when the response has taken the previous one.
    return new StreamableFile(Readable.from(chunks, { highWaterMark: 1 }), { type: RECORD_TYPES[format] }).setErrorHandler((err, response) => {
      const res = response as unknown as Response; // the Express adapter's response
      logger.error(err instanceof Error ? err.stack : String(err));
      if (res.destroyed) return;
      // Mid-stream: abort, so that a truncated record cannot pass for a complete one.
      if (res.headersSent) return void res.destroy();
      res.status(500).setHeader('Content-Type', RECORD_TYPES.json);
      res.send(JSON.stringify({ error: 'internal', message: 'An unexpected error occurred' }));
    });
  }

  @Get('elections/:electionId/board/head')
  @ApiOperation({ summary: 'Latest signed tree head' })
  head(@Param('electionId', new ParseUUIDPipe({ version: '4' })) electionId: string) {
    return this.board.latestHead(electionId);
  }

  @Get('elections/:electionId/board/setup')
  @ApiOperation({ summary: "The election's setup entries (manifest, issuer keys, election key) with inclusion proofs in the latest signed head" })
  setup(@Param('electionId', new ParseUUIDPipe({ version: '4' })) electionId: string) {
    return this.board.setupProof(electionId);
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
