/**
 * Alerts: a breached monitor run becomes one alert with its evidence (the statistics,
 * thresholds, sample sizes and the top drifting features), POSTed as JSON to the
 * monitor's webhook with retries (exponential backoff; 4xx other than 408/429 are not
 * retried). Webhook URLs often carry a secret (a token in the path or query): only the
 * redacted form (`redactWebhook`) is ever logged or recorded.
 */
import type { MonitorDefinition } from './monitor-definition.js';
import type { MonitorEvaluation, MonitorResult } from './monitor-evaluation.js';

export interface MonitorAlert {
  readonly kind: 'monitor-alert';
  readonly monitor: string;
  readonly model: string;
  readonly runId: string;
  readonly at: string;
  readonly summary: string;
  /** Drift results, largest excess over the threshold first (at most 5). */
  readonly topDrifting: readonly Evidence[];
  /** Every breached result (quality, multivariate, performance, drift). */
  readonly breaches: readonly Evidence[];
  /** The flow to run to retrain, if the monitor names one. */
  readonly retrainFlow?: string;
}

export interface Evidence {
  readonly kind: MonitorResult['kind'];
  readonly feature: string;
  readonly statistic: string;
  readonly value: number;
  readonly threshold: number;
  readonly referenceSize: number;
  readonly currentSize: number;
}

export interface DeliveryResult {
  readonly delivered: boolean;
  readonly attempts: number;
  readonly status?: number;
  readonly error?: string;
}

function evidence(r: MonitorResult): Evidence {
  return {
    kind: r.kind,
    feature: r.feature,
    statistic: r.statistic,
    value: r.value,
    threshold: r.threshold,
    referenceSize: r.reference_size,
    currentSize: r.current_size,
  };
}

/** The alert for a breached evaluation. */
export function buildAlert(
  definition: MonitorDefinition,
  evaluation: MonitorEvaluation,
  run: { id: string; at: Date },
): MonitorAlert {
  const excess = (r: MonitorResult) =>
    r.direction === 'below' ? r.threshold - r.value : (r.value - r.threshold) / (r.threshold || 1);
  const drifting = evaluation.results
    .filter((r) => r.kind === 'drift' && r.breach)
    .sort((a, b) => excess(b) - excess(a))
    .slice(0, 5);
  return {
    kind: 'monitor-alert',
    monitor: definition.name,
    model: definition.model,
    runId: run.id,
    at: run.at.toISOString(),
    summary: evaluation.summary,
    topDrifting: drifting.map(evidence),
    breaches: evaluation.results.filter((r) => r.breach).map(evidence),
    ...(definition.alerts?.retrainFlow === undefined ? {} : { retrainFlow: definition.alerts.retrainFlow }),
  };
}

/** The URL without user info, path segments after the host's first one, or query values. */
export function redactWebhook(url: string): string {
  try {
    const u = new URL(url);
    const first = u.pathname.split('/').filter((s) => s !== '')[0];
    const query = [...u.searchParams.keys()].map((k) => `${k}=***`).join('&');
    return `${u.protocol}//${u.host}/${first === undefined ? '' : `${first}/***`}${query === '' ? '' : `?${query}`}`;
  } catch {
    return '<invalid webhook URL>';
  }
}

export interface DeliveryOptions {
  readonly retries?: number;
  readonly delayMs?: number;
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** POSTs the alert; retries on network errors, 5xx, 408 and 429. */
export async function deliverWebhook(
  url: string,
  alert: MonitorAlert,
  options: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const retries = options.retries ?? 3;
  const safe = redactWebhook(url);
  // fetch refuses URLs with credentials: send them as Basic authorization instead.
  const target = new URL(url);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'strata-monitor' };
  if (target.username !== '' || target.password !== '') {
    const user = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  let last: DeliveryResult = { delivered: false, attempts: 0 };
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers,
        body: JSON.stringify(alert),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer();
      if (response.ok) return { delivered: true, attempts: attempt, status: response.status };
      last = { delivered: false, attempts: attempt, status: response.status, error: `HTTP ${response.status}` };
      if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
    } catch (e) {
      // The error of fetch may quote the URL: keep only its kind.
      last = { delivered: false, attempts: attempt, error: (e as Error).name };
    }
    options.log?.(`alert webhook ${safe}: attempt ${attempt} failed (${last.error})`);
    if (attempt <= retries) await new Promise((r) => setTimeout(r, (options.delayMs ?? 500) * 2 ** (attempt - 1)));
  }
  return last;
}
