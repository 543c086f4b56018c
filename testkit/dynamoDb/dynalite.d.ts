// dynalite ships no types: what testkit/dynamoDb/standIn.ts uses of it.

declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** How long a new table stays CREATING (default 500 ms). */
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    /** A LevelDB folder; in memory (memory-level) when absent. */
    readonly path?: string;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
