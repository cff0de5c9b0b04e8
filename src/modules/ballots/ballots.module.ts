import { Module } from '@nestjs/common';
import { BoardModule } from '../board/board.module';
import { ElectionsModule } from '../elections/elections.module';
import { TokensModule } from '../tokens/tokens.module';
import { BallotsController } from './ballots.controller';
import { BallotsService } from './ballots.service';

@Module({
  imports: [BoardModule, ElectionsModule, TokensModule],
  controllers: [BallotsController],
  providers: [BallotsService],
})
export class BallotsModule {}
