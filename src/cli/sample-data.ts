/**
 * The sample data set `strata sample` writes: customers, January's orders (CSV) and
 * February's (JSON lines), small enough to read at a glance and the same on every run
 * and machine (a seeded generator, no clock, no Math.random), so the README can show
 * exact results.
 */
import { seededRandom } from '../core/index.js';

export interface SampleFile {
  readonly name: string;
  readonly text: string;
  readonly rows: number;
}

const REGIONS = ['eu', 'us', 'apac'] as const;
const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Tim'] as const;
const CUSTOMERS = 30;

interface Order {
  readonly id: number;
  readonly customer_id: number;
  readonly region: string;
  readonly day: string;
  readonly amount: number;
}

const regionOf = (customer: number) => REGIONS[customer % REGIONS.length]!;

function orders(firstId: number, count: number, month: string, days: number, seed: number): Order[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const customer = 1 + Math.floor(next() * CUSTOMERS);
    const day = 1 + Math.floor(next() * days);
    // Cents, so sums print exactly.
    const amount = Math.round((5 + next() * 195) * 100) / 100;
    return {
      id: firstId + i,
      customer_id: customer,
      region: regionOf(customer),
      day: `${month}-${String(day).padStart(2, '0')}`,
      amount,
    };
  });
}

export function sampleFiles(): readonly SampleFile[] {
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => {
    const id = i + 1;
    return `${id},${NAMES[i % NAMES.length]} ${String.fromCharCode(65 + (i % 26))}.,${regionOf(id)}`;
  });
  const january = orders(1, 600, '2026-01', 31, 1);
  const february = orders(601, 400, '2026-02', 28, 2);
  return [
    { name: 'customers.csv', text: ['id,name,region', ...customers].join('\n') + '\n', rows: customers.length },
    {
      name: 'orders-2026-01.csv',
      text: ['id,customer_id,region,day,amount', ...january.map((o) => Object.values(o).join(','))].join('\n') + '\n',
      rows: january.length,
    },
    {
      name: 'orders-2026-02.jsonl',
      text: february.map((o) => JSON.stringify(o)).join('\n') + '\n',
      rows: february.length,
    },
  ];
}
