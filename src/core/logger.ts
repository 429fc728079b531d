/**
 * The structured logger every long-running role uses (scheduler, worker, API): pino,
 * JSON lines by default or a readable line per record (`--log-format pretty`), on stderr
 * so a command's own output on stdout stays clean.
 *
 * Guarantees: credentials never reach a record. Authorization and cookie headers are
 * censored wherever a request is logged, and a URL logged as a request's `url` has the
 * values of secret query parameters (`?access_token=`, used by browsers' EventSource and
 * WebSocket clients, which cannot send headers) replaced before it is written.
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

const SECRET_PARAMS = /([?&](?:access_token|token|api_key|apikey|password|secret)=)[^&#]*/gi;

/** The URL with the values of secret query parameters replaced. */
export function redactQuerySecrets(url: string): string {
  return url.replace(SECRET_PARAMS, `$1${CENSOR}`);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const config = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { err: pino.stdSerializers.err },
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
