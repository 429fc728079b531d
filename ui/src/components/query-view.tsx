/**
 * The three states of server data in one place: loading, error (the server's code and
 * message, with retry), empty, then the content.
 */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Empty } from './empty';
import { ErrorBox } from './error-box';
import { Loading } from './loading';

export interface QueryViewProps<T> {
  readonly query: UseQueryResult<T>;
  readonly label?: string;
  /** When the data counts as empty, this title is shown instead of children. */
  readonly isEmpty?: (data: T) => boolean;
  readonly emptyTitle?: string;
  readonly children: (data: T) => ReactNode;
}

export function QueryView<T>({ query, label, isEmpty, emptyTitle = 'Nothing here yet', children }: QueryViewProps<T>) {
  if (query.isPending) return <Loading {...(label === undefined ? {} : { label })} />;
  if (query.isError) return <ErrorBox error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <Empty title={emptyTitle} />;
  return <>{children(query.data)}</>;
}
