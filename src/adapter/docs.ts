/**
 * GET /docs: Swagger UI served from the swagger-ui-dist package (no CDN), pointed at /openapi.json.
 * Only the handful of files the page needs are served, read once and kept in memory.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Request, Response, Router } from 'express';
import express from 'express';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src *; frame-ancestors 'none'";

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>API reference</title>
    <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="/docs/index.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="/docs/init.js" charset="UTF-8"></script>
  </body>
</html>
`;

/**
 * Loads the spec itself so that "Try it out" offers this page's own address first: with --public-url the spec's
 * server is the public URL, which a page opened at http://127.0.0.1:8080/docs should not call unasked (the
 * public URL stays in the list, second). Opened at the public URL, the list is the spec's alone.
 */
const INIT = `window.onload = function () {
  var options = {
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'BaseLayout',
    validatorUrl: null,
  };
  var here = window.location.origin;
  fetch('/openapi.json')
    .then(function (res) {
      if (!res.ok) throw new Error(res.status);
      return res.json();
    })
    .then(function (spec) {
      var servers = Array.isArray(spec.servers) ? spec.servers : [];
      var listed = servers.some(function (s) {
        return s && typeof s.url === 'string' && s.url.replace(/\\/+$/, '') === here;
      });
      if (!listed) spec.servers = [{ url: here, description: 'this server (the address of this page)' }].concat(servers);
      options.spec = spec;
      window.ui = SwaggerUIBundle(options);
    })
    .catch(function () {
      options.url = '/openapi.json';
      window.ui = SwaggerUIBundle(options);
    });
};
`;

let assetDir: string | undefined;
const cache = new Map<string, Buffer>();

function readAsset(name: string): Buffer {
  let data = cache.get(name);
  if (!data) {
    assetDir ??= (createRequire(import.meta.url)('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
    data = readFileSync(join(assetDir, name));
    cache.set(name, data);
  }
  return data;
}

function send(res: Response, type: string, body: string | Buffer, cacheable: boolean): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', cacheable ? 'public, max-age=3600' : 'no-cache');
  res.end(body);
}

/** The /docs routes. */
export function docsRouter(): Router {
  const router = express.Router();
  router.get(['/docs', '/docs/'], (_req: Request, res: Response) => send(res, 'text/html; charset=utf-8', PAGE, false));
  router.get('/docs/init.js', (_req: Request, res: Response) => send(res, 'text/javascript; charset=utf-8', INIT, false));
  router.get('/docs/:file', (req: Request, res: Response, next) => {
    const file = req.params.file as string;
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) return next();
    send(res, type, readAsset(file), true);
  });
  return router;
}
