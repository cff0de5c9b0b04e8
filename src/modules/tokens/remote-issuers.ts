import { Global, Injectable, Module } from '@nestjs/common';
import { DependencyUnavailableError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import type { IssuerPublicKeyJwk } from '../../crypto/tokens/rsa-key';
import type { EligibilityPolicy } from '../eligibility/eligibility';
import type { RollInputEntry } from '../eligibility/roll.service';
import type { IssuanceLog } from './issuance.service';

/** A separate issuer did not answer, or answered with an error: the commission's action did not happen. */
export class IssuerUnavailableError extends DependencyUnavailableError {}

export interface RemoteElectionKey {
  url: string;
  issuerName: string;
  issuerId: string;
  publicKey: IssuerPublicKeyJwk;
}

/**
 * The platform's side of the commission's calls to separate issuers (ISSUERS=separate): create an
 * election's key, load the roll, open, close. The platform only relays what the officials decided;
 * it never holds an issuer key, and it takes nothing from an issuer it cannot check (the issuer ids
 * are the keys' thumbprints, checked again by every device from the board).
 */
@Injectable()
export class RemoteIssuers {
  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.ISSUERS === 'separate';
  }

  get urls(): string[] {
    return this.config.issuerUrls;
  }

  /**
   * The current URL of the issuer named `issuerName` (its long-term key's thumbprint, asked of each
   * ISSUER_URLS entry once): an issuer that moved is found at its new address; one no longer configured
   * is tried where it was when the election was created.
   */
  async urlFor(issuerName: string, urlAtCreation: string): Promise<string> {
    this.names ??= Promise.all(
      this.urls.map(async (url) => [(await this.call<{ name: string }>(url, 'GET', '/issuer')).name, url] as const),
    ).then((pairs) => new Map(pairs), (e: unknown) => {
      this.names = undefined;
      throw e;
    });
    return (await this.names).get(issuerName) ?? urlAtCreation;
  }

  private names?: Promise<Map<string, string>>;

  async createElection(electionId: string, policy: EligibilityPolicy): Promise<RemoteElectionKey[]> {
    return Promise.all(
      this.urls.map(async (url) => {
        const key = await this.call<Omit<RemoteElectionKey, 'url'>>(url, 'PUT', `/admin/elections/${electionId}`, policy);
        return { url, issuerName: key.issuerName, issuerId: key.issuerId, publicKey: key.publicKey };
      }),
    );
  }

  async replaceRoll(electionId: string, entries: RollInputEntry[]): Promise<void> {
    const body = { entries: entries.map((e) => ({ nationalNumber: e.nationalNumber, constituency: e.constituency, basis: e.basis })) };
    await Promise.all(this.urls.map((url) => this.call(url, 'PUT', `/admin/elections/${electionId}/roll`, body)));
  }

  async open(electionId: string, urls: string[]): Promise<void> {
    await Promise.all(urls.map((url) => this.call(url, 'POST', `/admin/elections/${electionId}/open`)));
  }

  /** Closes the election at every issuer (each erases its key) and returns their issuance logs. */
  async close(electionId: string, urls: string[]): Promise<IssuanceLog[]> {
    return Promise.all(urls.map((url) => this.call<IssuanceLog>(url, 'POST', `/admin/elections/${electionId}/close`)));
  }

  private async call<T = unknown>(url: string, method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.config.ISSUER_ADMIN_TOKEN ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (e) {
      throw new IssuerUnavailableError('issuer_unavailable', `The token issuer at ${url} cannot be reached (${e instanceof Error ? e.message : String(e)}); nothing was changed here, try again`);
    }
    const text = await res.text();
    if (res.status < 200 || res.status > 299) {
      let code = '';
      try {
        code = String((JSON.parse(text) as { error?: unknown }).error ?? '');
      } catch {
        // not JSON: the status says enough
      }
      throw new IssuerUnavailableError('issuer_refused', `The token issuer at ${url} answered ${res.status}${code ? ` (${code})` : ''}; nothing was changed here`);
    }
    return JSON.parse(text) as T;
  }
}

@Global()
@Module({ providers: [RemoteIssuers], exports: [RemoteIssuers] })
export class RemoteIssuersModule {}
