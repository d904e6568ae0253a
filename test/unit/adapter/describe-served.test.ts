/** serve's "serving …" line counts what the route table serves. */
import { describe, expect, it } from 'vitest';
import { describeServed, type Route, type RouteTable, type ToolEntry } from '../../../src/adapter/routes.js';

const table = (tools: number, operations: number): RouteTable => ({
  byTool: new Map(Array.from({ length: tools }, (_, i) => [`t${i}`, {} as ToolEntry])),
  byPath: new Map(Array.from({ length: operations }, (_, i) => [`/tools/o${i}`, {} as Route])),
  compileErrors: [],
});

describe('describeServed', () => {
  it.each([
    ['every tool, one operation each', table(5, 5), 5, '5 tools'],
    ['one tool', table(1, 1), 1, '1 tool'],
    ['a task-only tool left out', table(12, 12), 13, '12 tools (1 of 13 left out)'],
    ['--overflow generic: 29 operations + call_tool reach 40 tools', table(40, 30), 40, '40 tools through 30 operations'],
    ['--include narrowed it', table(2, 2), 13, '2 tools (11 of 13 left out)'],
  ])('%s', (_name, routes, catalog, want) => {
    expect(describeServed(routes, catalog)).toBe(want);
  });
});
