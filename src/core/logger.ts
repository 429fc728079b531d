/**
 * The structured logger every long-running role uses (scheduler, worker, API): pino,
 * JSON lines by default or a readable line per record (`--log-format pretty`), on stderr
 * so a command's own output on stdout stays clean.
 *
 * Guarantees: credentials never reach a record. Authorization and cookie headers are
 * censored wherever a request is logged, and a URL logged as a request's `url` has the
 * values of secret query parameters (`?access_token=`, used by browsers' EventSource and
 * WebSocket clients, which cannot send headers; also when the key is percent-encoded, which
 * the server decodes and accepts) replaced before it is written. And as a last line, every
 * serialized line (error messages and stacks included) has Strata token secrets and
 * `Bearer` credentials replaced before it reaches the destination.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  /** Default `info`. */
  readonly level?: LogLevel;
  /** Default `json`. */
  readonly format?: LogFormat;
  /** Where records go; default stderr. */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
}

const CENSOR = '[REDACTED]';

// Paths in any record (request headers as Fastify and our own records name them).
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'token',
  'password',
];

const SECRET_KEYS = new Set(['access_token', 'token', 'api_key', 'apikey', 'password', 'secret']);

function decodedKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return key.toLowerCase();
  }
}

/** The URL with the values of secret query parameters replaced (keys compared as the server decodes them). */
export function redactQuerySecrets(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const hash = url.indexOf('#', question);
  const end = hash < 0 ? url.length : hash;
  const params = url
    .slice(question + 1, end)
    .split('&')
    .map((param) => {
      const equals = param.indexOf('=');
      if (equals < 0 || !SECRET_KEYS.has(decodedKey(param.slice(0, equals)))) return param;
      return `${param.slice(0, equals + 1)}${CENSOR}`;
    });
  return `${url.slice(0, question + 1)}${params.join('&')}${url.slice(end)}`;
}

// A token's id is public (it names the token in listings); its secret part is not.
const TOKEN_SECRET = /\b(strata_[0-9a-f]{12}_)[A-Za-z0-9_-]{43}/g;
// Credential-shaped only, so a hint like `Authorization: Bearer <token>` reads as written.
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

/** A serialized record with token secrets and bearer credentials replaced, wherever they appear. */
export function redactSecretsInLine(line: string): string {
  return line.replace(TOKEN_SECRET, `$1${CENSOR}`).replace(BEARER, `$1${CENSOR}`);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const config = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { err: pino.stdSerializers.err },
    hooks: { streamWrite: redactSecretsInLine },
  };
  if (options.format === 'pretty') {
    // Synchronous, in this thread: no transport worker, and nothing lost when the process exits.
    return pino(
      config,
      pretty({ destination, sync: true, colorize: false, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' }),
    );
  }
  return pino(config, destination as DestinationStream);
}

/** A logger that drops every record (library default, tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
