/**
 * The console's API types (ui/src/api/openapi.json, schema.d.ts) are generated from the
 * server's route schemas: this fails when a route changed and they were not regenerated.
 */
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { generateOpenApiTypes, OPENAPI_FILE, SCHEMA_FILE } from '../../scripts/openapi-types.js';

it('the committed OpenAPI document and types match the server (else run `npm run openapi:types`)', async () => {
  const generated = await generateOpenApiTypes();
  const stale = 'is stale: run `npm run openapi:types` and commit the result';
  expect(await readFile(OPENAPI_FILE, 'utf8'), `ui/src/api/openapi.json ${stale}`).toBe(generated.openapi);
  expect(await readFile(SCHEMA_FILE, 'utf8'), `ui/src/api/schema.d.ts ${stale}`).toBe(generated.schema);
});
