import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NationalNumberHasher } from './national-number-hasher';

/**
 * The name under which a browser keeps one person's booth state (pseudonym key, token, receipts):
 * HMAC-SHA256 of the identity provider's subject, under a key derived from the roll key. Stable for a
 * person (a re-login after an expired session finds the state again), different for another person (the
 * booth then discards what it holds), and not the subject itself, so the device's storage does not carry
 * the provider's persistent identifier. The server learns nothing new: it already knows the subject.
 */
@Injectable()
export class DeviceKeys {
  private readonly key: Buffer;

  constructor(@Inject(NationalNumberHasher) hasher: NationalNumberHasher) {
    this.key = hasher.derive('evote/booth-device-state/v1');
  }

  /** 128 bits, base64url: enough to never collide between the people of one device. */
  forSubject(subject: string): string {
    return createHmac('sha256', this.key).update(subject, 'utf8').digest().subarray(0, 16).toString('base64url');
  }
}
