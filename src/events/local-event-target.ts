/** In-process events for the embedded database: one process owns it, so no one else can listen. */
export function createLocalEventTarget(): EventTarget & { close(): Promise<void> } {
  const target = new EventTarget() as EventTarget & { close(): Promise<void> };
  target.close = async () => {};
  return target;
}
