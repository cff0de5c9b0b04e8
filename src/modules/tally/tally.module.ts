import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { BoardModule } from '../board/board.module';
import { ElectionsModule } from '../elections/elections.module';
import { KeyCeremonyModule } from '../key-ceremony/key-ceremony.module';
import { RawBodyMiddleware } from '../key-ceremony/raw-body.middleware';
import { TallyController } from './tally.controller';
import { TallyService } from './tally.service';

/** Homomorphic tally and threshold decryption on the server (docs/protocol.md §70). */
@Module({
  imports: [BoardModule, ElectionsModule, KeyCeremonyModule],
  controllers: [TallyController],
  providers: [TallyService, RawBodyMiddleware],
  exports: [TallyService],
})
export class TallyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RawBodyMiddleware).forRoutes(TallyController);
  }
}
