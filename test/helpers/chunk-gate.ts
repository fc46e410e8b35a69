/**
 * Browser side of ./chunk-gate-plugin.mjs: the drop-in build served from a folder of the test's
 * own (`/__dropin/<folder>/`), whose files a test can refuse, drop or hold.
 */
import { command } from './command.js';

export type ChunkAction = 'refuse' | 'drop' | 'hold' | 'pass';

export interface ChunkGate {
  /** The drop-in file's URL in this folder. */
  readonly entry: string;
  /** Refuses (404), drops (network error), holds or passes again the requests for a chunk (by name without its hash, e.g. `green-qr-scan.phone.js`). */
  set(chunk: string, action: ChunkAction): Promise<void>;
  /** The chunk names requested so far, in order. */
  requests(): Promise<string[]>;
}

export interface ChunkFile {
  name: string;
  file: string;
  firstQr: boolean;
}

/** The files of the drop-in build. */
export async function chunkFiles(): Promise<ChunkFile[]> {
  return (await command<{ chunks: ChunkFile[] }>('chunk-files', {}, { required: true })).chunks;
}

export function chunkGate(folder: string): ChunkGate {
  return {
    entry: `/__dropin/${folder}/green-qr-scan.bundled.js`,
    async set(chunk, action) {
      await command('chunk-gate', { folder, chunk, action }, { required: true });
    },
    async requests() {
      return (await command<{ requests: string[] }>('chunk-requests', { folder }, { required: true })).requests;
    },
  };
}
