/** Small helpers shared by the benchmarks: percentiles and a result line. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

export function report(name: string, ours: number, bare: number, bareName: string, extra = ''): string {
  const line = `${name}: ${ms(ours)} vs ${bareName} ${ms(bare)} → ×${(ours / bare).toFixed(2)}${extra ? ` (${extra})` : ''}`;
  console.log(line);
  return line;
}

/** Runs `task` `total` times with `concurrency` in flight; returns each latency in ms. */
export async function load(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}
