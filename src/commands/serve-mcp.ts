/**
 * The MCP face's flags of `serve`: `--no-mcp`, `--max-sessions`, `--session-timeout`. Parsed once into the
 * adapter's settings.
 */
import type { McpFaceSettings } from '../adapter/app.js';
import { DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE_MS } from '../adapter/mcp-face/sessions.js';
import { parseIntFlag } from './serve-options.js';

export interface ServeMcpFlags {
  /** false for --no-mcp. */
  mcp?: boolean;
  maxSessions?: string;
  sessionTimeout?: string;
}

export function parseMcpFlags(opts: ServeMcpFlags): false | McpFaceSettings {
  if (opts.mcp === false) return false;
  return {
    sessions: {
      maxSessions: parseIntFlag(opts.maxSessions, '--max-sessions', DEFAULT_MAX_SESSIONS, 1, 1_000_000),
      idleMs: parseIntFlag(opts.sessionTimeout, '--session-timeout', DEFAULT_SESSION_IDLE_MS, 1000),
    },
  };
}
