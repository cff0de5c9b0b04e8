import { availableParallelism } from 'node:os';
import { plainToInstance, Transform } from 'class-transformer';
import { isValidNationalNumber } from '../modules/identity/national-number';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidateBy,
  ValidationError,
} from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;
/** JWE algorithms the relying party's RSA enc keys can serve (RSA-OAEP with SHA-1 is left out). */
export const OIDC_ENCRYPTION_ALGS = ['RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512'] as const;
/** JWE content encryptions the relying party decrypts (jose and openid-client support all of them). */
export const OIDC_ENCRYPTION_ENCS = ['A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512', 'A128GCM', 'A192GCM', 'A256GCM'] as const;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : value;
};

/**
 * The whole configuration of the platform, read from environment variables once at start-up.
 * Property names are the environment variables' names, so validation messages name the variable.
 * Defaults give a working development platform (embedded database, sandbox identity provider).
 */
/** Listen addresses that only this machine reaches, under whichever name. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export class AppConfig {
  @IsIn(NODE_ENVS, { message: `NODE_ENV must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer between 0 and 65535' })
  @Min(0, { message: 'PORT must be an integer between 0 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 0 and 65535' })
  PORT = 3000;

  @IsString()
  @Matches(/^[0-9a-zA-Z.:\-[\]]+$/, { message: 'HOST must be a host name or IP address to listen on' })
  HOST = '127.0.0.1';

  /** The URL voters and identity providers reach this platform at (redirect URIs, JWKS, links). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, {
    message: 'PUBLIC_URL must be an absolute http(s) URL such as https://vote.example.be',
  })
  PUBLIC_URL?: string;

  /** PostgreSQL connection string; when unset the embedded PostgreSQL (PGlite) under DATA_DIR is used. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// connection URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt({ message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Min(1, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  @Max(200, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' })
  DATABASE_POOL_SIZE = 10;

  /** Folder for the embedded database and development keys. */
  @IsString()
  @MinLength(1, { message: 'DATA_DIR must be a non-empty folder path' })
  DATA_DIR = './data';

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Largest accepted request body, in bytes. */
  @Transform(toInt)
  @IsInt({ message: 'BODY_LIMIT_BYTES must be an integer between 1024 and 16777216' })
  @Min(1024, { message: 'BODY_LIMIT_BYTES must be an integer between 1024 and 16777216' })
  @Max(16 * 1024 * 1024, { message: 'BODY_LIMIT_BYTES must be an integer between 1024 and 16777216' })
  BODY_LIMIT_BYTES = 256 * 1024;

  /** Serve the OpenAPI description and UI at /api/docs. */
  @Transform(toBool)
  @IsBoolean({ message: 'API_DOCS must be true or false' })
  API_DOCS = true;

  /**
   * The bulletin board's Ed25519 signing key: 64 lowercase hex characters (the 32-byte seed), or a path
   * to a file holding them (mode 0600). Unset: generated into DATA_DIR/keys on first start (development).
   */
  @IsOptional()
  @Matches(/^([0-9a-f]{64}|file:.+)$/, { message: 'BOARD_SIGNING_KEY must be 64 lowercase hex characters or file:<path>' })
  BOARD_SIGNING_KEY?: string;

  /** Mount the sandbox identity provider (an itsme look-alike) under /sandbox-idp. Default: true except in production. */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'SANDBOX_IDP_ENABLED must be true or false' })
  SANDBOX_IDP_ENABLED?: boolean;

  /** The OpenID Connect issuer (itsme's, or the sandbox's). Default: <PUBLIC_URL>/sandbox-idp when the sandbox is enabled. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true }, {
    message: 'OIDC_ISSUER must be an absolute http(s) URL such as https://idp.prd.itsme.services/v2',
  })
  OIDC_ISSUER?: string;

  /** Our client_id at the identity provider (itsme: the partner code). */
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'OIDC_CLIENT_ID must be 1 to 200 printable ASCII characters without spaces' })
  OIDC_CLIENT_ID = 'evote';

  /** itsme service code, sent as the scope service:<code>. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/, { message: 'OIDC_SERVICE_CODE must be 1 to 100 letters, digits, _, . or -' })
  OIDC_SERVICE_CODE = 'EVOTE';

  /**
   * itsme service code of the Confirmation service (a separate service of type Confirmation, with its
   * own redirect URI <origin>/auth/confirm/callback): step-up confirmations go there, as scope
   * service:<code>. Must differ from OIDC_SERVICE_CODE.
   */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/, { message: 'OIDC_CONFIRM_SERVICE_CODE must be 1 to 100 letters, digits, _, . or -' })
  OIDC_CONFIRM_SERVICE_CODE = 'EVOTE_CONFIRM';

  /** Assurance level asked at login (itsme acr_basic or acr_advanced). Step-up always asks advanced. */
  @IsIn(['basic', 'advanced'], { message: 'OIDC_LOGIN_ACR must be basic or advanced' })
  OIDC_LOGIN_ACR: 'basic' | 'advanced' = 'basic';

  /**
   * An ID token without `acr` or `auth_time`: `accept_at_login` (the default: itsme's current
   * documentation lists neither in the ID token, so requiring them could fail every login) accepts a
   * login at the level asked; `refuse` refuses it. A step-up confirmation always needs both, whatever
   * this says. A present acr that is not one of itsme's values is always refused.
   */
  @IsIn(['accept_at_login', 'refuse'], { message: 'OIDC_ACR_AUTH_TIME_MISSING must be accept_at_login or refuse' })
  OIDC_ACR_AUTH_TIME_MISSING: 'accept_at_login' | 'refuse' = 'accept_at_login';

  /** The relying party's private JWKS (one RSA sig key, one RSA enc key), inline JSON. */
  @IsOptional()
  @IsString({ message: 'OIDC_RP_JWKS must be a JSON Web Key Set (JSON text)' })
  OIDC_RP_JWKS?: string;

  /**
   * Path of a file holding the relying party's private JWKS, or a comma-separated list of files (JWKS or
   * single JWK each; merged). Re-read on SIGHUP (key rotation, docs/identity.md). In development it is
   * generated into DATA_DIR when unset.
   */
  @IsOptional()
  @IsString({ message: 'OIDC_RP_JWKS_FILE must be a file path or a comma-separated list of file paths' })
  OIDC_RP_JWKS_FILE?: string;

  /**
   * The JWE key management algorithm the provider encrypts ID tokens (and userinfo) to our enc keys with;
   * published as the enc keys' `alg`. Checked against the provider's discovery metadata.
   */
  @IsIn(OIDC_ENCRYPTION_ALGS, { message: `OIDC_ID_TOKEN_ENCRYPTION_ALG must be one of ${OIDC_ENCRYPTION_ALGS.join(', ')}` })
  OIDC_ID_TOKEN_ENCRYPTION_ALG: (typeof OIDC_ENCRYPTION_ALGS)[number] = 'RSA-OAEP-256';

  /**
   * The JWE content encryption (`enc`). Unset: taken from the provider's discovery metadata
   * (`id_token_encryption_enc_values_supported`; A128CBC-HS256 when advertised, itsme's documented
   * value). Set: must be one the provider advertises, or the relying party refuses to start.
   */
  @IsOptional()
  @IsIn(OIDC_ENCRYPTION_ENCS, { message: `OIDC_ID_TOKEN_ENCRYPTION_ENC must be one of ${OIDC_ENCRYPTION_ENCS.join(', ')}` })
  OIDC_ID_TOKEN_ENCRYPTION_ENC?: (typeof OIDC_ENCRYPTION_ENCS)[number];

  /** Secret key (hex or base64, at least 32 bytes) for the keyed hash of national numbers. Generated into DATA_DIR in development. */
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64,}|[A-Za-z0-9+/_-]{43,}={0,2})$/, { message: 'ROLL_HMAC_KEY must be at least 32 bytes, hex (64+ digits) or base64 (43+ characters)' })
  ROLL_HMAC_KEY?: string;

  /** Comma-separated national numbers of election officials (compared through the keyed hash, never stored). */
  @IsOptional()
  @ValidateBy({ name: 'nationalNumberList', validator: { validate: isNationalNumberList } }, {
    message: 'OFFICIAL_NATIONAL_NUMBERS must be a comma-separated list of 11-digit Belgian national numbers with a valid checksum',
  })
  OFFICIAL_NATIONAL_NUMBERS?: string;

  /** Comma-separated national numbers of trustees (key-ceremony participants). */
  @IsOptional()
  @ValidateBy({ name: 'nationalNumberList', validator: { validate: isNationalNumberList } }, {
    message: 'TRUSTEE_NATIONAL_NUMBERS must be a comma-separated list of 11-digit Belgian national numbers with a valid checksum',
  })
  TRUSTEE_NATIONAL_NUMBERS?: string;

  /** Lifetime of a login session, in seconds. */
  @Transform(toInt)
  @IsInt({ message: 'SESSION_TTL_SECONDS must be an integer between 60 and 86400' })
  @Min(60, { message: 'SESSION_TTL_SECONDS must be an integer between 60 and 86400' })
  @Max(86400, { message: 'SESSION_TTL_SECONDS must be an integer between 60 and 86400' })
  SESSION_TTL_SECONDS = 8 * 3600;

  /**
   * Create and open the demo election on `npm start` (three local demo trustees run the key ceremony).
   * Default: on when the sandbox identity provider is, outside tests.
   */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'DEMO_ELECTION must be true or false' })
  DEMO_ELECTION?: boolean;

  get demoElectionEnabled(): boolean {
    return this.DEMO_ELECTION ?? (this.sandboxIdpEnabled && this.NODE_ENV === 'development');
  }

  get sandboxIdpEnabled(): boolean {
    return this.SANDBOX_IDP_ENABLED ?? this.NODE_ENV !== 'production';
  }

  /** The issuer the relying party discovers. */
  get oidcIssuer(): string {
    return (this.OIDC_ISSUER ?? `${this.publicUrl}/sandbox-idp`).replace(/\/$/, '');
  }

  /**
   * Ballot-token issuer private keys (RSA-3072, PEM): a comma-separated list of `file:<path>` (mode 0600).
   * Unset: ISSUER_COUNT keys generated into DATA_DIR/keys on first start (development and the demo).
   */
  @IsOptional()
  @Matches(/^file:[^,]+(,file:[^,]+)*$/, { message: 'ISSUER_KEYS must be a comma-separated list of file:<path> entries' })
  ISSUER_KEYS?: string;

  /** How many issuers run in this process when ISSUER_KEYS is unset (each its own key and issuance record). */
  @Transform(toInt)
  @IsInt({ message: 'ISSUER_COUNT must be an integer between 1 and 16' })
  @Min(1, { message: 'ISSUER_COUNT must be an integer between 1 and 16' })
  @Max(16, { message: 'ISSUER_COUNT must be an integer between 1 and 16' })
  ISSUER_COUNT = 2;

  /**
   * Where the ballot-token issuers run: `in-process` (the zero-setup default: ISSUER_COUNT issuers inside
   * this process) or `separate` (each its own process with its own key and database, src/issuer; this
   * process then holds no issuer key at all). `separate` without ISSUER_URLS starts three local issuers
   * for the demo (development only).
   */
  @IsIn(['in-process', 'separate'], { message: 'ISSUERS must be in-process or separate' })
  ISSUERS: 'in-process' | 'separate' = 'in-process';

  /** With ISSUERS=separate: the issuers' base URLs, comma-separated (each reached by the booth directly). */
  @IsOptional()
  @Matches(/^https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*$/, { message: 'ISSUER_URLS must be a comma-separated list of http(s) URLs' })
  ISSUER_URLS?: string;

  /** With ISSUERS=separate: the bearer token of the commission's calls to the issuers (create key, roll, open, close). */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{32,200}$/, { message: 'ISSUER_ADMIN_TOKEN must be 32 to 200 printable ASCII characters' })
  ISSUER_ADMIN_TOKEN?: string;

  get issuerUrls(): string[] {
    return (this.ISSUER_URLS ?? '').split(',').filter((u) => u !== '').map((u) => u.replace(/\/$/, ''));
  }

  /**
   * Abuse limits (0 = off), counted in memory per window of RATE_LIMIT_WINDOW_SECONDS (default 60 s).
   * Login (/auth/login, /auth/callback, /auth/step-up): per client address.
   */
  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_LOGIN_PER_MINUTE must be an integer between 0 (off) and 1000000' })
  @Min(0, { message: 'RATE_LIMIT_LOGIN_PER_MINUTE must be an integer between 0 (off) and 1000000' })
  @Max(1_000_000, { message: 'RATE_LIMIT_LOGIN_PER_MINUTE must be an integer between 0 (off) and 1000000' })
  RATE_LIMIT_LOGIN_PER_MINUTE = 300;

  /** Token issuance (POST /elections/:id/tokens): per session (per client address without one). 0 = off. */
  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_TOKENS_PER_MINUTE must be an integer between 0 (off) and 1000000' })
  @Min(0, { message: 'RATE_LIMIT_TOKENS_PER_MINUTE must be an integer between 0 (off) and 1000000' })
  @Max(1_000_000, { message: 'RATE_LIMIT_TOKENS_PER_MINUTE must be an integer between 0 (off) and 1000000' })
  RATE_LIMIT_TOKENS_PER_MINUTE = 300;

  /** Casting and audits: per token pseudonym (never per address or session: casting stays unlinkable). 0 = off. */
  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_CAST_PER_MINUTE must be an integer between 0 (off) and 1000000' })
  @Min(0, { message: 'RATE_LIMIT_CAST_PER_MINUTE must be an integer between 0 (off) and 1000000' })
  @Max(1_000_000, { message: 'RATE_LIMIT_CAST_PER_MINUTE must be an integer between 0 (off) and 1000000' })
  RATE_LIMIT_CAST_PER_MINUTE = 300;

  /**
   * Per election and token pseudonym: at most this many audited (Benaloh-challenged) ballots. Each is a
   * full ballot on the public board for good: without a cap one token could fill the board.
   */
  @Transform(toInt)
  @IsInt({ message: 'MAX_AUDITS_PER_TOKEN must be an integer between 0 and 1000' })
  @Min(0, { message: 'MAX_AUDITS_PER_TOKEN must be an integer between 0 and 1000' })
  @Max(1000, { message: 'MAX_AUDITS_PER_TOKEN must be an integer between 0 and 1000' })
  MAX_AUDITS_PER_TOKEN = 3;

  /** Per election and token pseudonym: at most this many re-votes (so 1 + this many cast ballots). */
  @Transform(toInt)
  @IsInt({ message: 'MAX_REVOTES_PER_TOKEN must be an integer between 0 and 1000' })
  @Min(0, { message: 'MAX_REVOTES_PER_TOKEN must be an integer between 0 and 1000' })
  @Max(1000, { message: 'MAX_REVOTES_PER_TOKEN must be an integer between 0 and 1000' })
  MAX_REVOTES_PER_TOKEN = 10;

  /**
   * Worker threads that check cast ballots (tokens, signature, proofs), so the event loop stays free for
   * the database. Default: one per core. 0 = check on the event loop.
   */
  @Transform(toInt)
  @IsInt({ message: 'CAST_WORKERS must be an integer between 0 (none) and 64' })
  @Min(0, { message: 'CAST_WORKERS must be an integer between 0 (none) and 64' })
  @Max(64, { message: 'CAST_WORKERS must be an integer between 0 (none) and 64' })
  CAST_WORKERS = Math.min(64, availableParallelism());

  /** From this many counted ballots on, the tally sums on worker threads (one per core). 0 = never. */
  @Transform(toInt)
  @IsInt({ message: 'TALLY_WORKERS_FROM_BALLOTS must be an integer between 0 (never) and 100000000' })
  @Min(0, { message: 'TALLY_WORKERS_FROM_BALLOTS must be an integer between 0 (never) and 100000000' })
  @Max(100_000_000, { message: 'TALLY_WORKERS_FROM_BALLOTS must be an integer between 0 (never) and 100000000' })
  TALLY_WORKERS_FROM_BALLOTS = 2_000;

  /** Casting and audits: all ballots together, platform-wide. 0 = off. */
  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_CAST_GLOBAL_PER_MINUTE must be an integer between 0 (off) and 10000000' })
  @Min(0, { message: 'RATE_LIMIT_CAST_GLOBAL_PER_MINUTE must be an integer between 0 (off) and 10000000' })
  @Max(10_000_000, { message: 'RATE_LIMIT_CAST_GLOBAL_PER_MINUTE must be an integer between 0 (off) and 10000000' })
  RATE_LIMIT_CAST_GLOBAL_PER_MINUTE = 60_000;

  /** Length of the rate-limit window in seconds (the *_PER_MINUTE limits count per window). */
  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_WINDOW_SECONDS must be an integer between 1 and 3600' })
  @Min(1, { message: 'RATE_LIMIT_WINDOW_SECONDS must be an integer between 1 and 3600' })
  @Max(3600, { message: 'RATE_LIMIT_WINDOW_SECONDS must be an integer between 1 and 3600' })
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /**
   * PUBLIC_URL, or else the listen address as a URL: `http://localhost:PORT` when listening on a
   * loopback address, the very URL `npm start` prints (a voter who comes back to it is still logged in).
   */
  get publicUrl(): string {
    if (this.PUBLIC_URL !== undefined) return this.PUBLIC_URL.replace(/\/$/, '');
    const host = LOOPBACK.has(this.HOST) ? 'localhost' : this.HOST.includes(':') ? `[${this.HOST}]` : this.HOST;
    return `http://${host}:${this.PORT}`;
  }

  /**
   * The origins a login may start from and return to: PUBLIC_URL's; without PUBLIC_URL on a loopback
   * address, also the other names of the same listener (127.0.0.1, [::1]), so that a voter who typed
   * either stays on it through the login.
   */
  get publicOrigins(): string[] {
    const own = new URL(this.publicUrl).origin;
    if (this.PUBLIC_URL !== undefined || !LOOPBACK.has(this.HOST)) return [own];
    return [own, `http://127.0.0.1:${this.PORT}`, `http://[::1]:${this.PORT}`];
  }

  get usesEmbeddedDatabase(): boolean {
    return this.DATABASE_URL === undefined;
  }
}

/** Variables without a default (absent from `new AppConfig()`'s own keys). */
const OPTIONAL_VARIABLES = [
  'PUBLIC_URL', 'DATABASE_URL', 'SANDBOX_IDP_ENABLED', 'DEMO_ELECTION', 'OIDC_ISSUER', 'OIDC_RP_JWKS', 'OIDC_RP_JWKS_FILE', 'OIDC_ID_TOKEN_ENCRYPTION_ENC',
  'ROLL_HMAC_KEY', 'OFFICIAL_NATIONAL_NUMBERS', 'TRUSTEE_NATIONAL_NUMBERS', 'BOARD_SIGNING_KEY', 'ISSUER_KEYS', 'ISSUER_URLS', 'ISSUER_ADMIN_TOKEN',
];

/** Identity settings that depend on each other (checked once the single variables are valid). */
function identityProblems(c: AppConfig): string[] {
  const problems: string[] = [];
  if (!c.sandboxIdpEnabled && c.OIDC_ISSUER === undefined) {
    problems.push('OIDC_ISSUER must be set when the sandbox identity provider is off (SANDBOX_IDP_ENABLED=false, the default in production)');
  }
  if (c.ISSUERS === 'separate') {
    if (c.ISSUER_KEYS !== undefined) problems.push('ISSUER_KEYS holds in-process issuer keys: it must be unset with ISSUERS=separate (the platform then holds no issuer key)');
    if (c.ISSUER_URLS !== undefined && c.ISSUER_ADMIN_TOKEN === undefined) problems.push('ISSUER_ADMIN_TOKEN must be set with ISSUER_URLS');
    if (c.ISSUER_URLS === undefined && c.NODE_ENV === 'production') problems.push('ISSUER_URLS must be set with ISSUERS=separate in production (the local demo issuers are for development)');
  } else if (c.ISSUER_URLS !== undefined) {
    problems.push('ISSUER_URLS is only used with ISSUERS=separate');
  }
  if (c.OIDC_CONFIRM_SERVICE_CODE === c.OIDC_SERVICE_CODE) problems.push('OIDC_CONFIRM_SERVICE_CODE must differ from OIDC_SERVICE_CODE (itsme\'s Confirmation service is a service of its own)');
  if (c.OIDC_RP_JWKS !== undefined && c.OIDC_RP_JWKS_FILE !== undefined) problems.push('OIDC_RP_JWKS and OIDC_RP_JWKS_FILE are exclusive: set one');
  if (c.NODE_ENV === 'production') {
    if (c.OIDC_RP_JWKS === undefined && c.OIDC_RP_JWKS_FILE === undefined) problems.push('OIDC_RP_JWKS or OIDC_RP_JWKS_FILE must be set in production (the relying party keys)');
    if (c.ROLL_HMAC_KEY === undefined) problems.push('ROLL_HMAC_KEY must be set in production (the key of the national number hashes)');
  }
  return problems;
}

function isNationalNumberList(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const items = value.split(',').map((v) => v.trim().replace(/[.\-\s]/g, '')).filter((v) => v !== '');
  return items.length > 0 && items.every(isValidNationalNumber);
}

/** Start-up refused because of the configuration; the message names every offending variable. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

/**
 * Validates the environment once. Unknown variables are ignored (the process environment holds many);
 * empty strings count as unset so that `FOO=` does not silently become an invalid value.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const known = Object.keys(new AppConfig()).concat(OPTIONAL_VARIABLES);
  const raw: Record<string, string> = {};
  for (const key of new Set(known)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigurationError(flatten(errors, raw));
  const crossField = identityProblems(config);
  if (crossField.length > 0) throw new ConfigurationError(crossField);
  return Object.freeze(config);
}

function flatten(errors: ValidationError[], raw: Record<string, string>): string[] {
  return errors.flatMap((e) => {
    const got = e.property in raw ? ` (got ${JSON.stringify(redactIfSecret(e.property, raw[e.property]))})` : '';
    return Object.values(e.constraints ?? {}).map((m) => `${m}${got}`);
  });
}

function redactIfSecret(name: string, value: string): string {
  if (/SECRET|KEY|PASSWORD|TOKEN|JWKS|NATIONAL_NUMBERS/.test(name)) return '<redacted>';
  // A database URL may carry a password.
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:<redacted>@');
}
