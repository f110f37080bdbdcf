/**
 * The client key every Printernizer build ships with and sends as `X-API-Key`. It is public (it is in
 * this source code): it only says "a Printernizer client", so an operator can retire old builds by
 * rotating it. What protects an installation's data is its own secret, never this key. Both services
 * default to it, so an aggregator started with defaults accepts a client started with defaults.
 */
export const PUBLIC_CLIENT_KEY = 'printernizer-public-client-key-v1';
