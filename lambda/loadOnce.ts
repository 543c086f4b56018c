// Loads something on first use and keeps it for the life of the container: the SES client, the
// DynamoDB store and the default credential chain are each imported only by the request that needs them.

/**
 * Returns a function that starts `load` on its first call and hands every caller the same promise,
 * the one in flight included. A failed load is forgotten, so the next call tries again rather than
 * failing for the rest of the container's life.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    if (!loaded) {
      const loading = load();
      loading.catch(() => {
        if (loaded === loading) loaded = undefined;
      });
      loaded = loading;
    }
    return loaded;
  };
}
