import { IsDefined, IsObject } from 'class-validator';

/** `POST /elections/:id/tally/shares`: the decryption share JSON of docs/protocol.md §30.6 (parsed strictly by the crypto layer). */
export class DecryptionShareBody {
  @IsDefined()
  @IsObject()
  share: Record<string, unknown>;
}
