/**
 * Measures one attempt in a task process (the child-process executor runs one attempt
 * per process at a time, so the process's usage is the attempt's): CPU time as the
 * difference of process.cpuUsage(), peak memory as the larger of the resident size
 * sampled while the attempt runs and the kernel's peak (rusage maxRSS) when that peak
 * rose during the attempt: exact for an attempt that sets a new high for its process,
 * sampled (every `sampleMs`, when the event loop is free) for one that stays below an
 * earlier attempt's high.
 */
import type { AttemptUsage } from './executor.js';

export function startUsageMeter(sampleMs = 20): () => AttemptUsage {
  const cpuAtStart = process.cpuUsage();
  const kernelPeakAtStart = process.resourceUsage().maxRSS;
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, sampleMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    const cpu = process.cpuUsage(cpuAtStart);
    const kernelPeak = process.resourceUsage().maxRSS;
    // maxRSS is in kibibytes.
    if (kernelPeak > kernelPeakAtStart) peak = Math.max(peak, kernelPeak * 1024);
    peak = Math.max(peak, process.memoryUsage.rss());
    return { peakRssBytes: peak, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
}
