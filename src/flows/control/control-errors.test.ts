import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../core/index.js';
import { MetaLockedError } from '../../meta/index.js';
import { errorReply, remoteError } from './control-errors.js';
import { FlowNotFoundError } from '../errors.js';

describe('control channel errors', () => {
  it('carry code and category across the socket, so callers test them as if local', () => {
    const reply = JSON.parse(JSON.stringify(errorReply(new FlowNotFoundError('nightly', ['hourly'])))) as object;
    const error = remoteError(reply, '/tmp/s.sock');
    expect([error.code, error.category]).toEqual(['FLOW_NOT_FOUND', 'not_found']);
    expect(error.message).toMatch(/^\[FLOW_NOT_FOUND\] No flow "nightly"/);
    const locked = remoteError(
      errorReply(new MetaLockedError('/w', '/w/lock', { pid: 1, hostname: 'h', acquiredAt: 'now' }, 'x')),
      's',
    );
    expect(isStrataError(locked, 'META_LOCKED')).toBe(true);
  });

  it('treat a foreign failure, or a reply without a known category, as internal', () => {
    expect(errorReply(new TypeError('boom'))).toEqual({ code: 'INTERNAL', category: 'internal', message: 'boom' });
    expect(remoteError({ code: 'FLOW_X', category: 'bogus' as never, message: 'm' }, 's').category).toBe('internal');
    expect(remoteError(undefined, 's').code).toBe('INTERNAL');
  });
});
