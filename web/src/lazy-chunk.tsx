import { type ComponentType, lazy, useState } from 'react';

/**
 * `React.lazy` that can be loaded ahead (`.load()`, e.g. as a route is about to show) and, once
 * its chunk is here, renders the component at once. A plain `lazy` suspends on its first render
 * even when the chunk has arrived, and React 19 reveals a suspended boundary no sooner than 300 ms
 * after its fallback showed: every page opened by its address waited that long for nothing.
 */
export function lazyChunk<P extends object>(
  importChunk: () => Promise<{ default: ComponentType<P> }>,
) {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const load = () => {
    loading ??= importChunk().then((m) => {
      loaded = m.default;
      return m;
    });
    return loading;
  };
  const Lazy = lazy(load);
  // biome-ignore lint/correctness/noComponentHookFactories: made once per chunk at module level, as React.lazy is
  function Chunk(props: P) {
    // Chosen once per mount: switching from the lazy wrapper to the component would remount it.
    const [Component] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return <Component {...props} />;
  }
  return Object.assign(Chunk, { load });
}
