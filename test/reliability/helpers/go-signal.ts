/**
 * Resolves on a `GO` line on stdin. When stdin ends (the parent is gone) the worker
 * exits at once, whatever it is doing: it must never keep writing unsupervised.
 */
export function goSignal(): Promise<void> {
  return new Promise((resolve) => {
    let received = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      received += chunk;
      if (received.split('\n').some((line) => line.trim() === 'GO')) resolve();
    });
    process.stdin.on('end', () => process.exit(3));
  });
}
