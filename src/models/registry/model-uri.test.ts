import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../core/index.js';
import { parseModelUri } from './model-uri.js';

describe('parseModelUri', () => {
  it('names a version, an alias, a stage or the latest version', () => {
    expect(parseModelUri('models:/churn/3')).toEqual({ kind: 'version', name: 'churn', version: 3 });
    expect(parseModelUri('models:/churn@champion')).toEqual({ kind: 'alias', name: 'churn', alias: 'champion' });
    expect(parseModelUri('models:/team/churn@challenger')).toEqual({
      kind: 'alias',
      name: 'team/churn',
      alias: 'challenger',
    });
    expect(parseModelUri('models:/churn/production')).toEqual({ kind: 'stage', name: 'churn', stage: 'Production' });
    expect(parseModelUri('models:/churn/latest')).toEqual({ kind: 'latest', name: 'churn' });
  });

  it.each(['runs:/abc/model', 'models:/churn', 'models:/churn/', 'models:/churn@', 'models:/churn/Prod'])(
    'refuses %s',
    (uri) => {
      let caught: unknown;
      try {
        parseModelUri(uri);
      } catch (error) {
        caught = error;
      }
      expect(isStrataError(caught, 'MODEL_INVALID_PARAMETER')).toBe(true);
    },
  );
});
