export declare const sleep: (ms: number) => Promise<void>;
export declare function waitFor<T>(
  fn: () => T | Promise<T>,
  opts?: { timeoutMs?: number; intervalMs?: number; what?: string },
): Promise<T>;
