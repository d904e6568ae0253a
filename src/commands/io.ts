/** What a command may touch: its output streams and its environment, passed in by the CLI. */
export interface CommandIO {
  /** Data (what a pipe reads). */
  stdout(text: string): void;
  /** Progress and diagnostics. */
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}
