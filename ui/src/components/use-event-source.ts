/**
 * Server-sent events (`/v1/streams/...`) as a hook: opens an EventSource on the same
 * origin (the session cookie authenticates it), parses each named event's JSON data
 * and hands it to `onEvent`; closes on unmount or when the URL changes. The browser
 * reconnects by itself (with Last-Event-ID); `state` says where it is.
 */
import { useEffect, useRef, useState } from 'react';

export type EventSourceState = 'connecting' | 'open' | 'error' | 'closed';

export interface EventSourceOptions {
  /** The event names to listen to (SSE `event:` field); default ['message']. */
  readonly events?: readonly string[];
  readonly onEvent: (name: string, data: unknown, id: string) => void;
}

/** `url` null: not connected (e.g. until a selection exists). */
export function useEventSource(url: string | null, { events = ['message'], onEvent }: EventSourceOptions) {
  const [state, setState] = useState<EventSourceState>(url === null ? 'closed' : 'connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const names = events.join('\n');

  useEffect(() => {
    if (url === null) {
      setState('closed');
      return;
    }
    setState('connecting');
    const source = new EventSource(url, { withCredentials: true });
    const listener = (event: MessageEvent<string>) => {
      let data: unknown = event.data;
      try {
        data = JSON.parse(event.data);
      } catch {
        // not JSON: handed over as text
      }
      handler.current(event.type, data, event.lastEventId);
    };
    const list = names.split('\n');
    for (const name of list) source.addEventListener(name, listener);
    source.onopen = () => setState('open');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'error');
    return () => {
      for (const name of list) source.removeEventListener(name, listener);
      source.close();
    };
  }, [url, names]);

  return { state };
}
