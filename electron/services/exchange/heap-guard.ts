import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/*
 * Keeps a long import's memory bounded. Writing a national file (~435,000
 * cells, by groups of QRRs) keeps little alive — after a full collection the
 * heap holds the document and the preview's compact lines — but each group's
 * short-lived objects (lines, changes, audit rows) live for the group's
 * savepoint, get promoted to V8's old generation, and V8 lets that generation
 * grow for a long time before collecting it: measured, 1.9 GB of resident
 * memory for a 54 MB file, 256 MB with the same work under a 160 MB old-space
 * limit (and no slower). A fixed limit would crash a larger legitimate task,
 * so instead the writes ask here between groups, and a full collection runs
 * when the heap has grown by GROWTH since the last one.
 */

/** Heap growth (bytes) tolerated between two collections. */
const GROWTH = 64 * 1024 * 1024;

let collect: (() => void) | null | undefined;

/** V8's full collection, made reachable once (`--expose-gc` set at run time, then read from a fresh context). */
function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  } catch {
    collect = null;
  }
  return collect;
}

let baseline = 0;

/** Runs a full collection when the heap has grown by more than GROWTH since the last one. */
export function boundHeap(): void {
  const used = v8.getHeapStatistics().used_heap_size;
  if (baseline === 0 || used < baseline) baseline = used;
  if (used - baseline < GROWTH) return;
  const gc = collector();
  if (gc === null) return;
  gc();
  baseline = v8.getHeapStatistics().used_heap_size;
}
