/**
 * A child process that writes to an online store, for the multi-process cases:
 *
 *   online-writer.ts kill URL OPTIONS_JSON VIEW KEYS BATCHES
 *     writes batches 0.. of every key, each with watermark = batch number, printing
 *     `committed N` once batch N's write has returned (the test SIGKILLs it mid-way);
 *   online-writer.ts race URL OPTIONS_JSON VIEW SEED WRITER ROUNDS KEYS
 *     writes its rounds of raceRound rows, then prints `done`.
 */
import { openOnlineStore, type OnlineStoreOptions } from '../../../src/features/online/index.js';
import { killBatch, raceRound } from './online-writer-rows.js';

const [mode, url, optionsJson, view, ...rest] = process.argv.slice(2);
const store = openOnlineStore(url!, JSON.parse(optionsJson!) as OnlineStoreOptions);
const numbers = rest.map(Number);

if (mode === 'kill') {
  const [keys, batches] = numbers as [number, number];
  for (let batch = 0; batch < batches; batch++) {
    await store.write(view!, killBatch(keys, batch), { watermark: { next: batch } });
    process.stdout.write(`committed ${batch}\n`);
  }
} else {
  const [seed, writer, rounds, keys] = numbers as [number, number, number, number];
  for (let round = 0; round < rounds; round++) await store.write(view!, raceRound(seed, writer, round, keys));
  process.stdout.write('done\n');
}
await store.close();
