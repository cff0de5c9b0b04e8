import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { BoardModule } from '../board/board.module';
import { KeyCeremonyController } from './key-ceremony.controller';
import { KeyCeremonyService } from './key-ceremony.service';
import { RawBodyMiddleware } from './raw-body.middleware';
import { TrusteeAuthGuard } from './trustee-auth.guard';

/** The key ceremony on the server and trustee request authentication (docs/protocol.md §35). */
@Module({
  imports: [BoardModule],
  controllers: [KeyCeremonyController],
  providers: [KeyCeremonyService, TrusteeAuthGuard, RawBodyMiddleware],
  exports: [KeyCeremonyService, TrusteeAuthGuard],
})
export class KeyCeremonyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RawBodyMiddleware).forRoutes(KeyCeremonyController);
  }
}
