import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { API_DOCS_PREFIX, OPENAPI_PATH } from './openapi.ts';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
}

/** `/api/uploads/:id` as OpenAPI writes it: `/api/uploads/{id}`. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-openapi-'));
  const routes: Array<{ method: string; url: string }> = [];
  let app: FastifyInstance;
  let document: OpenApiDocument;

  beforeAll(async () => {
    // No web client: its files are served as they are, not part of the API.
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEB_DIR: path.join(dataDir, 'no-web') });
    app = await buildApp(config, {
      onRoute(route) {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods) routes.push({ method, url: route.url });
      },
    });
    const response = await app.inject(OPENAPI_PATH);
    expect(response.statusCode).toBe(200);
    document = response.json();
  });

  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is OpenAPI 3', () => {
    expect(document.openapi).toMatch(/^3\./);
  });

  it('documents every route the server registered', () => {
    const api = routes.filter(
      ({ method, url }) =>
        // HEAD answers every GET by itself; the document and its reference page describe the rest.
        method !== 'HEAD' && url !== OPENAPI_PATH && !url.startsWith(API_DOCS_PREFIX),
    );
    expect(api.length).toBeGreaterThan(20);
    const missing = api.filter(({ method, url }) => !document.paths[openApiPath(url)]?.[method.toLowerCase()]);
    expect(missing).toEqual([]);
  });

  it('has a reference page', async () => {
    const page = await app.inject(API_DOCS_PREFIX);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });
});
