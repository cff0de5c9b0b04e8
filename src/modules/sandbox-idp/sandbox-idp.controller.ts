import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { ACR, ID_TOKEN_CLAIMS } from '../identity/itsme';
import { SANDBOX_IDENTITIES, type SandboxIdentity } from './identities';
import { CONFIRM_SCRIPT, renderLoginPage, type SandboxTextKey } from './login-page';
import { SANDBOX_PROVIDER } from './sandbox-idp.tokens';
import { approvalText, pinnedSubject } from './sandbox-provider';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

class ApprovalDto {
  @IsIn(['approve', 'deny']) decision: 'approve' | 'deny';
  @IsOptional() @IsString() @MaxLength(100) identity?: string;
  @IsOptional() @IsIn(['yes']) confirm?: 'yes';
}

/** The sandbox's login/approval page (the oidc-provider "interaction"). */
@ApiExcludeController()
@Controller('sandbox-idp/interaction')
export class SandboxIdpController {
  constructor(@Inject(SANDBOX_PROVIDER) private readonly provider: Provider) {}

  @Get('assets/confirm.js')
  confirmScript(@Res() res: Response): void {
    res.type('text/javascript').setHeader('Cache-Control', 'public, max-age=300');
    res.send(CONFIRM_SCRIPT);
  }

  @Get(':uid')
  async page(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.details(uid, req, res);
    if (!details) return;
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(this.render(details));
  }

  @Post(':uid')
  async submit(@Param('uid') uid: string, @Body() dto: ApprovalDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.details(uid, req, res);
    if (!details) return;
    if (dto.decision === 'deny') {
      await this.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled in the app' }, { mergeWithLastSubmission: false });
      return;
    }
    const identity = SANDBOX_IDENTITIES.find((i) => i.key === dto.identity);
    if (!identity) {
      res.status(400).type('html').send(this.render(details, 'pick'));
      return;
    }
    // A confirmation pinned to a subject (claims sub value) reaches that person's app only: no one else approves it.
    const pinned = pinnedSubject((details.params as Record<string, unknown>).claims);
    if (pinned !== null && pinned !== identity.sub) {
      res.status(403).type('html').send(this.render(details, 'notYou'));
      return;
    }
    // A different person than the one the provider's browser session remembers: forget the previous
    // one, in the session and in this interaction's copy of it (oidc-provider would otherwise answer
    // with a script-driven logout page, which the CSP blocks).
    if (details.session?.accountId && details.session.accountId !== identity.sub) {
      const previous = await this.provider.Session.find(details.session.cookie);
      if (previous) {
        previous.accountId = undefined;
        previous.authorizations = undefined;
        await previous.persist();
      }
      details.session.accountId = undefined as unknown as string;
      await details.persist();
    }
    const params = details.params as Record<string, string | undefined>;
    const advanced = (params.acr_values ?? '').split(' ').includes(ACR.advanced) && dto.confirm === 'yes';
    const clientId = String(params.client_id);
    const grant = new this.provider.Grant({ accountId: identity.sub, clientId });
    grant.addOIDCScope(String(params.scope ?? 'openid'));
    grant.addOIDCClaims(requestedClaims(params.claims));
    const grantId = await grant.save();
    await this.provider.interactionFinished(
      req,
      res,
      {
        login: { accountId: identity.sub, acr: sandboxAcr(advanced ? ACR.advanced : ACR.basic, identity), amr: ['app'], remember: false },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  }

  /** The interaction of this browser, or a 400 page when it is unknown, expired or another login's. */
  private async details(uid: string, req: Request, res: Response): Promise<Interaction | undefined> {
    let details: Interaction | undefined;
    try {
      details = await this.provider.interactionDetails(req, res);
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      if (typeof status !== 'number' || status >= 500) throw e;
    }
    if (!details || details.uid !== uid) {
      res.status(400).type('text/plain').send('This login has expired or belongs to another browser: go back to the platform and log in again');
      return undefined;
    }
    return details;
  }

  private render(details: Interaction, error?: SandboxTextKey): string {
    const params = details.params as Record<string, string | undefined>;
    return renderLoginPage({
      uid: details.uid,
      clientId: String(params.client_id),
      advanced: (params.acr_values ?? '').split(' ').includes(ACR.advanced),
      // The confirmation's free_text template, as itsme's app shows it.
      approvalText: approvalText(params.claims),
      scopes: String(params.scope ?? '').split(' '),
      identities: SANDBOX_IDENTITIES,
      // Preselect the person this browser last approved as (a confirmation is made by the same person).
      // A confirmation's pinned subject comes first.
      selected: SANDBOX_IDENTITIES.find((i) => i.sub === (pinnedSubject(params.claims) ?? details.session?.accountId))?.key,
      error,
      // itsme's pages speak the first of the requested languages they have.
      uiLocales: params.ui_locales,
    });
  }
}

/** The claims named in the `claims` parameter (ID token and userinfo), or itsme's usual ones. */
function requestedClaims(raw: string | undefined): string[] {
  try {
    const parsed = JSON.parse(raw ?? '{}') as { id_token?: object; userinfo?: object };
    const names = [...Object.keys(parsed.id_token ?? {}), ...Object.keys(parsed.userinfo ?? {})];
    return names.length > 0 ? names : [...ID_TOKEN_CLAIMS];
  } catch {
    return [...ID_TOKEN_CLAIMS];
  }
}

/** The acr as this identity's itsme writes it (an older guide spells the path with a capital V). */
function sandboxAcr(acr: string, identity: SandboxIdentity): string {
  return identity.acrSpelling === 'V2' ? acr.replace('/v2/', '/V2/') : acr;
}
