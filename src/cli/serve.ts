import type { Command } from 'commander';
import type { CommandIO } from '../commands/io.js';
import type { ServeOptions } from '../commands/serve.js';
import { addTargetOptions, collect, type Runner } from './shared.js';
import { addAuthOptions, addSpecOptions } from './generate.js';
import { HELP_GROUP, inOptionsGroup } from './help-groups.js';
import { useLeanHeap } from './lean-heap.js';
import { killAllServerGroups, stopAllServerGroups } from '../mcp/process-group.js';

export function defineServe(program: Command, run: Runner): void {
  const cmd = program
    .command('serve')
    .summary('serve the REST adapter: each POST /tools/{name} becomes a tools/call')
    .description(
      'Connect to an MCP server once and serve the REST adapter for its spec: POST /tools/{operationId}, ' +
        'GET /openapi.json, /openapi.yaml, /docs, /healthz, /readyz; and the same tools as a remote MCP server ' +
        'at /mcp (Streamable HTTP) and /sse (the old HTTP+SSE transport).',
    );
  addTargetOptions(cmd);
  inOptionsGroup(cmd, HELP_GROUP.listen, (c) =>
    c
      .option('--port <n>', 'port to listen on (0 picks a free one and prints the URL)', '8080')
      .option('--host <addr>', 'address to bind; anything but loopback needs --auth (or --no-auth)', '127.0.0.1')
      .option('--public-url <url>', 'the public https URL ChatGPT calls: the spec\'s servers entry (alias --server-url)')
      .option('--cors <origin>', 'allow browser calls from this origin (repeatable; off by default: any other Origin is refused)', collect)
      .option('--allowed-host <name>', 'accept this Host header besides loopback names, IP addresses and the public URL\'s host (repeatable; DNS rebinding guard)', collect),
  );
  addAuthOptions(cmd);
  inOptionsGroup(cmd, HELP_GROUP.auth, (c) =>
    c
      .option('--api-key-env <VAR>', 'environment variable holding the secret for --auth api-key/bearer/basic ("user:password")', 'MCP_ACTIONS_API_KEY')
      .option('--oauth-issuer <url>', '--auth oauth: the authorization server whose JWT access tokens are accepted (https; http on loopback only)')
      .option('--oauth-introspection', '--auth oauth: also accept opaque tokens, checked at the issuer\'s introspection_endpoint (RFC 7662) as the client in env MCP_ACTIONS_OAUTH_CLIENT_ID/_SECRET')
      .option('--oauth-introspection-url <url>', '--auth oauth: the same, at this introspection endpoint (https; http on loopback only)')
      .option('--oauth-introspection-ttl <s>', '--auth oauth: longest an active introspection answer is reused, never past the token\'s exp (default 60, 0-3600)')
      .option('--oauth-audience <aud>', '--auth oauth: accepted token audience (repeatable; default: the public URL and its /mcp)', collect)
      .option('--oauth-read-scope <scope>', '--auth oauth: scope needed to call read-only tools (readOnlyHint); default: none needed')
      .option('--oauth-write-scope <scope>', '--auth oauth: scope needed to call every other tool; default: none needed')
      .option('--no-auth', 'allow binding a non-loopback address without auth (anyone who reaches it can call the tools)'),
  );
  inOptionsGroup(cmd, HELP_GROUP.users, (c) =>
    c
      .option('--per-user', 'give each authenticated user their own MCP server (stdio: a process; --url: a connection); needs --auth')
      .option('--user-env <NAME=TEMPLATE>', 'stdio: set NAME in each user\'s server environment; {user} = file-name-safe user id, {token} = their raw token (repeatable)', collect)
      .option('--user-header <"Name: TEMPLATE">', 'HTTP: send this header on each user\'s connection, with {user} and {token} as for --user-env (repeatable)', collect)
      .option('--max-users <n>', 'per-user servers at once; when full the least recently used idle one is closed, and if all are busy a new user gets 503 (default: 50)')
      .option('--user-idle-timeout <ms>', 'a user\'s server without a call for this long is closed (default: 600000)'),
  );
  addSpecOptions(cmd, { hideServerUrl: true });
  inOptionsGroup(cmd, HELP_GROUP.mcp, (c) =>
    c
      .option('--no-mcp', 'serve the REST routes only (no /mcp, /sse, /messages: the remote MCP server)')
      .option('--max-sessions <n>', 'MCP sessions at once; past it the least recently used idle one is closed', '1000')
      .option('--session-timeout <ms>', 'an MCP session idle this long is closed (its client re-initialises)', '1800000'),
  );
  inOptionsGroup(cmd, HELP_GROUP.limits, (c) =>
    c
      .option('--call-timeout <ms>', 'longest a request waits for a call; with --no-async slower calls answer 504 and are cancelled upstream', '40000')
      .option('--max-response-chars <n>', 'longer responses are cut with a marker (ChatGPT\'s limit)', '100000')
      .option('--max-body <bytes>', 'largest request body; larger ones answer 413', '100000')
      .option('--max-inflight <n>', 'tool calls upstream at once; more wait in a short queue', '64')
      .option('--max-queue <n>', 'calls waiting for a slot; more answer 503 with Retry-After', '64')
      .option('--rate-limit <n/min>', 'calls per minute per credential (per IP without auth); more answer 429 (off by default)')
      .option('--headers-timeout <ms>', 'time a client has to send the request headers', '10000')
      .option('--request-timeout <ms>', 'time a client has to send the whole request', '60000'),
  );
  inOptionsGroup(cmd, HELP_GROUP.jobs, (c) =>
    c
      .option('--async-after <ms>', 'a call still running after this answers 202 with a job to poll at GET /jobs/{id}; task-only tools at once (default 30000, at most --call-timeout)')
      .option('--job-timeout <ms>', 'budget of a call that became a job; past it the job ends 504 and is cancelled upstream', '3600000')
      .option('--job-ttl <ms>', 'how long a finished job\'s answer stays readable', '3600000')
      .option('--job-lease <ms>', 'a running job\'s lease, renewed by its replica every third of it; a job not renewed this long (its replica died) ends 503 "start it again"', '15000')
      .option('--files-ttl <ms>', 'how long a download URL of a returned file (GET /files/{id}) works', '600000')
      .option('--files-max-bytes <n>', 'memory for returned files waiting to be downloaded; files past it are only described', '134217728'),
  );
  inOptionsGroup(cmd, HELP_GROUP.state, (c) =>
    c
      .option('--redis <url>', 'keep rate limits and jobs in this Redis, shared by every replica (redis://host:6379 or rediss:// for TLS; default: env MCP_ACTIONS_REDIS_URL, else in memory)')
      .option('--redis-prefix <text>', 'prefix of every Redis key, one per deployment sharing a Redis (default: "mcp-actions:")'),
  );
  inOptionsGroup(cmd, HELP_GROUP.upstream, (c) =>
    c
      .option('--ping-interval <ms>', 'ping the MCP server this often; no answer restarts it (0: off)', '15000')
      .option('--max-message-bytes <n>', 'largest single message from the MCP server (stdio or --url); a larger answer fails its call (502), the server goes on', '10485760')
      .option('--drain-timeout <ms>', 'on SIGTERM/SIGINT, how long in-flight calls may finish (a third signal cuts them at once)', '30000'),
  );
  inOptionsGroup(cmd, HELP_GROUP.logging, (c) =>
    c
      .option('--log-args', 'log each call\'s arguments (off: they may hold personal data)')
      .option('--log-level <level>', 'pino log level on stderr (info, warn, error, silent)', 'info'),
  );
  cmd.addHelpText(
    'after',
    `
Examples:
  $ mcp-actions serve --port 0 -- node fixtures/servers/demo.mjs
  $ MCP_ACTIONS_API_KEY=$(openssl rand -hex 24) mcp-actions serve --auth api-key \\
      --public-url https://my-tunnel.example.com -- npx -y @modelcontextprotocol/server-memory
  $ mcp-actions serve --url http://127.0.0.1:3001/mcp --auth bearer --api-key-env MY_TOKEN --host 0.0.0.0
  $ mcp-actions serve --redis redis://127.0.0.1:6379 --rate-limit 60/min --auth bearer -- node server.js   # one of several replicas
  $ MCP_ACTIONS_API_KEY="$(cat team-keys.txt)" mcp-actions serve --auth bearer --per-user \\
      --user-env MEMORY_FILE_PATH=/data/{user}.jsonl -- npx -y @modelcontextprotocol/server-memory
  $ mcp-actions serve --auth oauth --oauth-issuer https://auth.example.com --public-url https://tools.example.com \\
      --oauth-scopes "tools:read tools:write" --oauth-read-scope tools:read --oauth-write-scope tools:write \\
      --per-user --user-env MEMORY_FILE_PATH=/data/{user}.jsonl -- npx -y @modelcontextprotocol/server-memory
  $ export MCP_ACTIONS_OAUTH_CLIENT_ID=mcp-actions MCP_ACTIONS_OAUTH_CLIENT_SECRET=…   # opaque tokens
  $ mcp-actions serve --auth oauth --oauth-issuer https://auth.example.com --oauth-introspection \\
      --public-url https://tools.example.com -- node server.js`,
  );
  cmd.action((server: string[], opts) => run((io) => runServe(server, opts, io), { ownSignals: true }));
}

async function runServe(server: string[], opts: ServeOptions, io: CommandIO): Promise<number> {
  useLeanHeap(process.env, process.execArgv);
  const [{ serveCommand }, { batchedWriter }] = await Promise.all([import('../commands/serve.js'), import('../commands/serve-log.js')]);
  // One write per event-loop turn for the per-call log lines; flushed before any error is reported
  // and, should the process die some other way, on exit.
  const stderr = batchedWriter(io.stderr);
  process.once('exit', stderr.flush);
  // The first SIGINT/SIGTERM starts the drain; a second one only says how to cut it (a supervisor or an
  // impatient Ctrl-C often sends two), the third cuts it. The handlers stay for the whole run, so no
  // signal falls back to Node's default (die at once, in-flight calls answered "socket hang up").
  let signals = 0;
  let stopNow!: (signal: string) => void;
  let cutNow!: (signal: string) => void;
  const stop = new Promise<string>((resolve) => (stopNow = resolve));
  const cut = new Promise<string>((resolve) => (cutNow = resolve));
  const off = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    signals += 1;
    if (signals === 1) stopNow(signal);
    else if (signals === 2) stderr.write(`${signal} again: still draining; send it once more to cut the calls still running\n`);
    else if (signals === 3) {
      cutNow(signal);
      // The servers' groups are stopped now, not after the cut calls: the drain then ends in about a second.
      void stopAllServerGroups(1000);
    } else {
      // Still here after a fourth (stuck connecting?): kill the servers and take Node's default action.
      off();
      killAllServerGroups();
      process.kill(process.pid, signal);
    }
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await serveCommand(server, opts, { ...io, stderr: stderr.write }, { stop, cut });
  } finally {
    off();
    stderr.flush();
  }
}
