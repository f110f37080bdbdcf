import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import type { Plugin } from 'graphql-yoga';

/** dist/pages/panel, from dist/src (built) or from src (tsx, after `npm run build`). */
const here = dirname(import.meta.dirname);
const PANEL_DIR = join(basename(here) === 'dist' ? here : join(here, 'dist'), 'pages', 'panel');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The page may load only its own files and talk only to this server: no inline script or style
 * can run, so even a string that slipped past the page's escaping could not execute.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/**
 * Serves the privacy panel: GET / is its page, GET /panel/<file> its bundle and styles (a flat
 * folder, so a name with a slash or dots in front never leaves it). Everything else falls through.
 */
export function panelRoute(dir = PANEL_DIR): Plugin {
  return {
    onRequest(hook) {
      const { request, url, fetchAPI } = hook;
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      let file: string;
      if (url.pathname === '/') file = 'index.html';
      else if (url.pathname.startsWith('/panel/')) file = url.pathname.slice('/panel/'.length);
      else return;
      const type = TYPES[file.slice(file.lastIndexOf('.'))];
      const path = join(dir, file);
      if (!/^[a-z0-9][a-z0-9._-]*$/.test(file) || !type || !existsSync(path)) {
        const missing = file === 'index.html' ? 'The privacy panel is not built: run `npm run build`. GraphQL is at /graphql.\n' : '';
        hook.endResponse(new fetchAPI.Response(missing, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
        return;
      }
      const body = request.method === 'HEAD' ? null : readFileSync(path);
      hook.endResponse(new fetchAPI.Response(body, { headers: { 'content-type': type, ...SECURITY_HEADERS } }));
    },
  };
}
