/** What the two ways of diffing two versions (change data feed, set difference) give the diff route. */
export interface DiffRange {
  readonly from: number;
  readonly to: number;
  readonly offset: number;
  readonly limit: number;
}

export interface DiffPage {
  readonly source: 'change-data-feed' | 'snapshot-difference';
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: string }>;
  /** Changes by `_change_type` over the whole range (not the page). */
  readonly counts: Readonly<Record<string, number>>;
  /** Up to `limit + 1` rows from `offset`: one more than the page tells that more follow. */
  readonly rows: readonly Record<string, unknown>[];
}
