import { Module } from '@nestjs/common';
import { BoardModule } from '../board/board.module';
import { TokensModule } from '../tokens/tokens.module';
import { ElectionsController } from './elections.controller';
import { ElectionsService } from './elections.service';

@Module({
  imports: [BoardModule, TokensModule],
  controllers: [ElectionsController],
  providers: [ElectionsService],
  exports: [ElectionsService],
})
export class ElectionsModule {}
