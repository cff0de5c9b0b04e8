import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { ConfigurationError } from '../config/app-config';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value);
const NODE_ENVS = ['development', 'production', 'test'] as const;

/**
 * The configuration of one ballot-token issuer run as its own process (`evote-issuer`, src/issuer/main.ts),
 * read once from ISSUER_* environment variables. It shares nothing with the platform's configuration:
 * its own key, its own database, and the identity provider it trusts named here, not by the platform.
 */
export class IssuerConfig {
  @IsIn(NODE_ENVS, { message: `NODE_ENV must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(toInt)
  @IsInt({ message: 'ISSUER_PORT must be an integer between 0 and 65535' })
  @Min(0, { message: 'ISSUER_PORT must be an integer between 0 and 65535' })
  @Max(65535, { message: 'ISSUER_PORT must be an integer between 0 and 65535' })
  ISSUER_PORT = 3101;

  @IsString()
  @Matches(/^[0-9a-zA-Z.:\-[\]]+$/, { message: 'ISSUER_HOST must be a host name or IP address to listen on' })
  ISSUER_HOST = '127.0.0.1';

  /** The issuer's own folder: its long-term key (keys/issuer.pem) and, without ISSUER_DATABASE_URL, its embedded database. */
  @IsString()
  @MinLength(1, { message: 'ISSUER_DATA_DIR must be a non-empty folder path' })
  ISSUER_DATA_DIR = './issuer-data';

  /** The issuer's own PostgreSQL database (never the platform's). Unset: embedded PGlite in ISSUER_DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'ISSUER_DATABASE_URL must be a postgres:// or postgresql:// connection URL' })
  ISSUER_DATABASE_URL?: string;

  /** `file:<path>` of the issuer's long-term RSA key (its identity). Unset outside production: generated into ISSUER_DATA_DIR/keys. */
  @IsOptional()
  @Matches(/^file:.+$/, { message: 'ISSUER_KEY must be file:<path> of an RSA private key in PEM' })
  ISSUER_KEY?: string;

  /** Bearer token of the election commission's calls (create an election's key, load the roll, open, close). */
  @IsString()
  @Matches(/^[\x21-\x7e]{32,200}$/, { message: 'ISSUER_ADMIN_TOKEN must be 32 to 200 printable ASCII characters' })
  ISSUER_ADMIN_TOKEN!: string;

  /** The identity provider whose ID tokens prove who asks (itsme's issuer URL); its keys are fetched from its own discovery. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'ISSUER_OIDC_ISSUER must be an absolute http(s) URL' })
  ISSUER_OIDC_ISSUER!: string;

  /** The `aud` of the ID tokens it accepts: the client id of the platform's relying party at that provider. */
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'ISSUER_OIDC_AUDIENCE must be 1 to 200 printable ASCII characters' })
  ISSUER_OIDC_AUDIENCE!: string;

  /** The platform's public URL: before opening, the issuer reads the election's setup from its board and checks it. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'ISSUER_PLATFORM_URL must be an absolute http(s) URL' })
  ISSUER_PLATFORM_URL!: string;

  /** Origins whose pages may call the token endpoint (the booth's), comma-separated. */
  @IsString()
  @Matches(/^https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*$/, { message: 'ISSUER_ALLOWED_ORIGINS must be a comma-separated list of http(s) origins' })
  ISSUER_ALLOWED_ORIGINS!: string;

  /** How old an ID token may be when it reaches this issuer (seconds). */
  @Transform(toInt)
  @IsInt({ message: 'ISSUER_ID_TOKEN_MAX_AGE_SECONDS must be an integer between 30 and 3600' })
  @Min(30, { message: 'ISSUER_ID_TOKEN_MAX_AGE_SECONDS must be an integer between 30 and 3600' })
  @Max(3600, { message: 'ISSUER_ID_TOKEN_MAX_AGE_SECONDS must be an integer between 30 and 3600' })
  ISSUER_ID_TOKEN_MAX_AGE_SECONDS = 600;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'silent'], { message: 'ISSUER_LOG_LEVEL must be fatal, error, warn, info, debug or silent' })
  ISSUER_LOG_LEVEL = 'info';

  /** For loadSecret (shared with the platform): where a generated key goes. */
  get DATA_DIR(): string {
    return this.ISSUER_DATA_DIR;
  }

  get allowedOrigins(): string[] {
    return this.ISSUER_ALLOWED_ORIGINS.split(',').map((o) => new URL(o).origin);
  }
}

const VARIABLES = ['NODE_ENV', 'ISSUER_PORT', 'ISSUER_HOST', 'ISSUER_DATA_DIR', 'ISSUER_DATABASE_URL', 'ISSUER_KEY', 'ISSUER_ADMIN_TOKEN',
  'ISSUER_OIDC_ISSUER', 'ISSUER_OIDC_AUDIENCE', 'ISSUER_PLATFORM_URL', 'ISSUER_ALLOWED_ORIGINS', 'ISSUER_ID_TOKEN_MAX_AGE_SECONDS', 'ISSUER_LOG_LEVEL'];

/** Validates the issuer's environment once; every problem is named (secrets redacted). */
export function loadIssuerConfig(env: Record<string, string | undefined>): IssuerConfig {
  const raw: Record<string, string> = {};
  for (const key of VARIABLES) if (env[key] !== undefined && env[key] !== '') raw[key] = env[key]!;
  const config = plainToInstance(IssuerConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigurationError(
      errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => (e.property in raw && !/TOKEN|KEY|URL/.test(e.property) ? `${m} (got ${JSON.stringify(raw[e.property])})` : m))),
    );
  }
  return Object.freeze(config);
}
