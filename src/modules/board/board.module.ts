import { Module } from '@nestjs/common';
import { BoardKey } from './board-key';
import { BoardController } from './board.controller';
import { BoardService } from './board.service';

@Module({
  controllers: [BoardController],
  providers: [BoardKey, BoardService],
  exports: [BoardService, BoardKey],
})
export class BoardModule {}
