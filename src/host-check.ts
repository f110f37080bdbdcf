import type { RequestListener } from 'node:http';

import { errorResponse } from '../common/errors.js';

/** The name part of a Host header or host setting, lower case: `[::1]:4000` → `[::1]`, `Box.lan:80` → `box.lan`. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colons = h.split(':').length - 1;
  // A bare IPv6 address (a host setting such as ::1) has several colons and no port.
  if (colons > 1) return `[${h}]`;
  return colons === 1 ? h.slice(0, h.indexOf(':')) : h;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD = ['0.0.0.0', '[::]'];

/** The names a request may address: loopback, the configured HOST (unless a wildcard) and the allowlist. */
export function allowedHostNames(configuredHost: string, allowlist: readonly string[]): Set<string> {
  const configured = hostName(configuredHost);
  return new Set([...LOOPBACK, ...(WILDCARD.includes(configured) ? [] : [configured]), ...allowlist.map(hostName)]);
}

/**
 * DNS rebinding: a foreign page whose name the attacker points at 127.0.0.1 reaches this API with
 * the browser's same-origin blessing, but its `Host` header still carries the foreign name. This
 * wraps the whole request handler, so every route (GraphQL, GraphiQL, /health, the export, pages)
 * refuses another Host before Yoga or any plugin sees the request. A request without Host
 * (HTTP/1.0) comes from no browser.
 */
export function withHostCheck(allowed: ReadonlySet<string>, handler: RequestListener): RequestListener {
  const refusal = errorResponse(
    'FORBIDDEN',
    'This API answers only requests addressed to this machine (localhost) or to a host listed in STATS_ALLOWED_HOSTS.',
  );
  const status = refusal.status;
  const body = refusal.text();
  return (req, res) => {
    const host = req.headers.host;
    if (host === undefined || allowed.has(hostName(host))) return handler(req, res);
    void body.then((text) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  };
}
