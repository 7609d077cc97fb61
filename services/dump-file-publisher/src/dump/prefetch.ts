/**
 * Reads one item ahead of the consumer: while the dump writes one batch, the store already answers
 * the next query. At most one extra item is held, so memory stays bounded. An error of the prefetched
 * item surfaces when the consumer reaches it; a consumer that stops early lets the source finish.
 */
export async function* prefetchOne<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  // A rejection is handled when awaited below; this keeps it from counting as unhandled meanwhile.
  next.catch(() => undefined);
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = iterator.next();
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    await iterator.return?.();
  }
}
