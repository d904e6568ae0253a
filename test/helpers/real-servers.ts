/** The published servers captured in fixtures/tools (SOURCES.md): [fixture, tools, tools with encoded strict arguments]. */
export const REAL_SERVERS: Array<[string, number, number]> = [
  ['notion-mcp-server', 24, 11],
  ['mcp-server-kubernetes', 23, 4],
  ['mongodb-mcp-server', 27, 10],
  ['mcp-server-elasticsearch', 4, 1],
  ['hubspot-mcp-server', 21, 5],
  ['azure-mcp', 61, 55],
  ['server-gitlab-untyped', 9, 9],
];
