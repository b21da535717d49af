/**
 * Zero-copy hand-over of typed arrays: the buffers a result holds are transferred (moved, not
 * cloned) back to the activity, and arrays on SharedArrayBuffers (cached datasets) are shared.
 */

/** Every plain ArrayBuffer under `value` (typed arrays in objects and arrays), each once. */
export function transferablesOf(value: unknown, out: Set<ArrayBuffer> = new Set(), depth = 0): ArrayBuffer[] {
  if (depth > 8 || value === null || typeof value !== 'object') return [...out];
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.buffer.byteLength > 0) out.add(value.buffer);
    return [...out];
  }
  const items = Array.isArray(value) ? value : Object.values(value);
  // Long arrays of primitives (string columns) hold no buffers: skip them without walking.
  if (Array.isArray(value) && value.length > 64 && typeof value[0] !== 'object') return [...out];
  for (const item of items) transferablesOf(item, out, depth + 1);
  return [...out];
}

/** The buffers of `views` that each view covers whole (safe to move to a thread); the rest are copied. */
export function transferableBytes(views: readonly Uint8Array[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views)
    if (v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.byteLength > 0)
      out.add(v.buffer);
  return [...out];
}
