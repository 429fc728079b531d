import { describe, expect, it } from 'vitest';
import { ONLINE_STORE_URL_ENV, openOnlineStore, resolveOnlineStoreUrl } from './open-online-store.js';
import { OnlineStoreInvalidError } from './online-errors.js';

describe('choosing the online store', () => {
  it('takes the url option, then STRATA_ONLINE_STORE_URL, then <warehouse>/online', () => {
    const env = { [ONLINE_STORE_URL_ENV]: ' redis://127.0.0.1:6379 ' };
    expect(resolveOnlineStoreUrl({ url: 'redis://h:1', env, warehouse: '/w' })).toBe('redis://h:1');
    expect(resolveOnlineStoreUrl({ env, warehouse: '/w' })).toBe('redis://127.0.0.1:6379');
    expect(resolveOnlineStoreUrl({ env: {}, warehouse: '/w' })).toBe('/w/online');
    expect(() => resolveOnlineStoreUrl({ env: {} })).toThrow(OnlineStoreInvalidError);
  });

  it('refuses a scheme it has no store for, naming the URL', () => {
    expect(() => openOnlineStore('s3://bucket/online')).toThrow(/s3:\/\/bucket\/online/);
  });
});
