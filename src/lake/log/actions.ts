/**
 * Delta log actions (PROTOCOL.md, "Actions"), as read from and written to the log.
 *
 * In the log each action is one JSON line `{"<kind>": {...}}`; here each is a variant of
 * `Action` whose `kind` is that key, holding the same object under the same key, so
 * parsing and serializing are exact inverses and unknown fields survive a round trip.
 */
export interface Protocol {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures?: readonly string[];
  readonly writerFeatures?: readonly string[];
}

export interface Metadata {
  readonly id: string;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly format: { readonly provider: string; readonly options?: Readonly<Record<string, string>> };
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number | null;
}

export interface DeletionVectorDescriptor {
  /** `u`: relative path from a UUID, `i`: inline, `p`: absolute path. */
  readonly storageType: 'u' | 'i' | 'p';
  readonly pathOrInlineDv: string;
  readonly offset?: number | null;
  readonly sizeInBytes: number;
  readonly cardinality: number;
  readonly maxRowIndex?: number | null;
}

export type PartitionValues = Readonly<Record<string, string | null>>;

export interface AddFile {
  /** URL-encoded, relative to the table root, or an absolute URI. */
  readonly path: string;
  readonly partitionValues: PartitionValues;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** JSON text of FileStats. */
  readonly stats?: string | null;
  readonly tags?: Readonly<Record<string, string>> | null;
  readonly deletionVector?: DeletionVectorDescriptor | null;
  readonly baseRowId?: number | null;
  readonly defaultRowCommitVersion?: number | null;
  readonly clusteringProvider?: string | null;
}

export interface RemoveFile {
  readonly path: string;
  readonly deletionTimestamp?: number | null;
  readonly dataChange: boolean;
  readonly extendedFileMetadata?: boolean | null;
  readonly partitionValues?: PartitionValues | null;
  readonly size?: number | null;
  readonly stats?: string | null;
  readonly tags?: Readonly<Record<string, string>> | null;
  readonly deletionVector?: DeletionVectorDescriptor | null;
  readonly baseRowId?: number | null;
  readonly defaultRowCommitVersion?: number | null;
}

export interface AddCdcFile {
  readonly path: string;
  readonly partitionValues: PartitionValues;
  readonly size: number;
  readonly dataChange: boolean;
  readonly tags?: Readonly<Record<string, string>> | null;
}

export interface Txn {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number | null;
}

export interface CommitInfo {
  readonly timestamp?: number;
  readonly inCommitTimestamp?: number;
  readonly operation?: string;
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  readonly readVersion?: number;
  readonly isolationLevel?: string;
  readonly isBlindAppend?: boolean;
  readonly engineInfo?: string;
  readonly txnId?: string;
  readonly [extra: string]: unknown;
}

export interface DomainMetadata {
  readonly domain: string;
  readonly configuration: string;
  readonly removed: boolean;
}

export interface CheckpointMetadata {
  readonly version: number;
  readonly tags?: Readonly<Record<string, string>> | null;
}

export interface Sidecar {
  readonly path: string;
  readonly sizeInBytes: number;
  readonly modificationTime: number;
  readonly tags?: Readonly<Record<string, string>> | null;
}

export type Action =
  | { readonly kind: 'protocol'; readonly protocol: Protocol }
  | { readonly kind: 'metaData'; readonly metaData: Metadata }
  | { readonly kind: 'add'; readonly add: AddFile }
  | { readonly kind: 'remove'; readonly remove: RemoveFile }
  | { readonly kind: 'cdc'; readonly cdc: AddCdcFile }
  | { readonly kind: 'txn'; readonly txn: Txn }
  | { readonly kind: 'commitInfo'; readonly commitInfo: CommitInfo }
  | { readonly kind: 'domainMetadata'; readonly domainMetadata: DomainMetadata }
  | { readonly kind: 'checkpointMetadata'; readonly checkpointMetadata: CheckpointMetadata }
  | { readonly kind: 'sidecar'; readonly sidecar: Sidecar };

export type ActionKind = Action['kind'];

const KINDS: ReadonlySet<string> = new Set<ActionKind>([
  'protocol',
  'metaData',
  'add',
  'remove',
  'cdc',
  'txn',
  'commitInfo',
  'domainMetadata',
  'checkpointMetadata',
  'sidecar',
]);

/**
 * The action held in one parsed log object, or undefined for an action kind this
 * version does not know (the protocol says readers ignore unknown actions).
 */
export function toAction(object: Readonly<Record<string, unknown>>): Action | undefined {
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (KINDS.has(key) && value !== null && value !== undefined) {
      return { kind: key, [key]: value } as unknown as Action;
    }
  }
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The fields replay relies on, per action kind; a value failing these is corrupt. */
const REQUIRED: Readonly<Record<ActionKind, ReadonlyArray<readonly [string, (v: unknown) => boolean]>>> = {
  protocol: [
    ['minReaderVersion', isNumber],
    ['minWriterVersion', isNumber],
  ],
  metaData: [
    ['id', isString],
    ['partitionColumns', Array.isArray],
    ['configuration', isObject],
  ],
  add: [
    ['path', isString],
    ['partitionValues', isObject],
    ['size', isNumber],
  ],
  remove: [['path', isString]],
  cdc: [
    ['path', isString],
    ['partitionValues', isObject],
  ],
  txn: [
    ['appId', isString],
    ['version', isNumber],
  ],
  commitInfo: [],
  domainMetadata: [
    ['domain', isString],
    ['configuration', isString],
  ],
  checkpointMetadata: [['version', isNumber]],
  sidecar: [['path', isString]],
};

/** What is wrong with an action's shape, or undefined when replay can use it. */
export function actionProblem(action: Action): string | undefined {
  const body = (action as unknown as Record<string, unknown>)[action.kind];
  if (!isObject(body)) return `"${action.kind}" is not an object`;
  for (const [field, check] of REQUIRED[action.kind]) {
    if (!check(body[field])) return `"${action.kind}" has no valid "${field}"`;
  }
  return undefined;
}

/** One log line for an action (no trailing newline). */
export function actionToJson(action: Action): string {
  const body = (action as unknown as Record<string, unknown>)[action.kind];
  return JSON.stringify({ [action.kind]: body });
}

/** A commit file's content: one action per line, newline-terminated. */
/** The commit's commitInfo; empty when the writer recorded none (commitInfo is optional in the protocol). */
export function commitInfoOf(actions: readonly Action[]): CommitInfo {
  for (const action of actions) if (action.kind === 'commitInfo') return action.commitInfo;
  return {};
}

export function commitText(actions: readonly Action[]): string {
  return actions.map((a) => `${actionToJson(a)}\n`).join('');
}
