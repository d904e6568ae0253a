/**
 * Files a tool returned that are too large to send inline: kept for a short while and served at
 * `GET /files/{id}` (an unguessable id per file, so a URL gives exactly that one file of that one call).
 * Bounded: at most `maxBytes` in all; expired files go first, and a file that does not fit is refused (it is
 * described in the answer instead), never another call's file dropped before it expires.
 * Async like the JobStore, so a shared implementation can take its place.
 */
import { randomBytes } from 'node:crypto';

export interface StoredFile {
  name: string;
  mimeType: string;
  bytes: Buffer;
}

export interface FileStore {
  /** Keeps a file until `ttlMs` from now; resolves with its id, or undefined when there is no room. */
  put(file: StoredFile): Promise<string | undefined>;
  get(id: string): Promise<(StoredFile & { expiresAt: number }) | undefined>;
  close(): Promise<void>;
}

export const DEFAULT_FILE_TTL_MS = 10 * 60 * 1000;
export const DEFAULT_MAX_FILE_BYTES = 128 * 1024 * 1024;

export interface MemoryFileStoreOptions {
  ttlMs?: number;
  maxBytes?: number;
  now?: () => number;
}

export class MemoryFileStore implements FileStore {
  private readonly files = new Map<string, StoredFile & { expiresAt: number }>();
  private bytes = 0;
  private readonly ttlMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryFileStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_FILE_TTL_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.now = options.now ?? Date.now;
    // Expired files give their memory back even when no new file comes.
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, this.ttlMs));
    this.sweeper.unref();
  }

  get size(): { files: number; bytes: number } {
    return { files: this.files.size, bytes: this.bytes };
  }

  async put(file: StoredFile): Promise<string | undefined> {
    if (this.bytes + file.bytes.length > this.maxBytes) this.sweep();
    if (this.bytes + file.bytes.length > this.maxBytes) return undefined;
    const id = randomBytes(24).toString('base64url');
    this.files.set(id, { ...file, expiresAt: this.now() + this.ttlMs });
    this.bytes += file.bytes.length;
    return id;
  }

  async get(id: string): Promise<(StoredFile & { expiresAt: number }) | undefined> {
    const file = this.files.get(id);
    if (file && file.expiresAt <= this.now()) {
      this.drop(id);
      return undefined;
    }
    return file;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.files.clear();
    this.bytes = 0;
  }

  private drop(id: string): void {
    const file = this.files.get(id);
    if (!file) return;
    this.files.delete(id);
    this.bytes -= file.bytes.length;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, file] of this.files) if (file.expiresAt <= now) this.drop(id);
  }
}
