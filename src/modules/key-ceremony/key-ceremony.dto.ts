import { IsDefined, IsIn, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import { NestedArray } from '../../common/validation/decorators';

/** `POST /elections/:id/key-ceremony/dealings`: the dealing JSON of docs/protocol.md §30.3 (checked strictly by the crypto layer). */
export class DealingBody {
  @IsDefined()
  @IsObject()
  dealing: Record<string, unknown>;
}

/** One verdict: `ok`, or `complaint` with the complaint JSON of §30.4. */
export class VerdictItem {
  @IsInt()
  @Min(1)
  @Max(255)
  dealer: number;

  @IsIn(['ok', 'complaint'])
  verdict: 'ok' | 'complaint';

  @IsOptional()
  @IsObject()
  complaint?: Record<string, unknown>;
}

/** `POST /elections/:id/key-ceremony/verdicts`: one verdict per other dealer. */
export class VerdictsBody {
  @NestedArray(() => VerdictItem, 254)
  verdicts: VerdictItem[];
}
