/** Pools: slots used of total and tasks waiting; admins change a pool's slots in place. */
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '../../components/error-box';
import { QueryView } from '../../components/query-view';
import { useSession } from '../../session/session';
import { usePools, useSetPool, type PoolView } from './flow-api';

export function PoolsPanel() {
  const pools = usePools();
  return (
    <div className="panel">
      <h2>Pools</h2>
      <QueryView
        query={pools}
        label="Loading pools"
        isEmpty={(data) => data.pools.length === 0}
        emptyTitle="No pools: tasks with `pool: 'name'` create one (16 slots)"
      >
        {(data) => (
          <table className="flows-table" aria-label="Pools">
            <thead>
              <tr>
                <th scope="col">Pool</th>
                <th scope="col">Used</th>
                <th scope="col">Running</th>
                <th scope="col">Queued</th>
                <th scope="col">Waiting</th>
                <th scope="col">Slots</th>
              </tr>
            </thead>
            <tbody>
              {data.pools.map((pool) => (
                <PoolRow key={pool.name} pool={pool} />
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </div>
  );
}

function PoolRow({ pool }: { readonly pool: PoolView }) {
  const admin = useSession().principal.role === 'admin';
  const setPool = useSetPool();
  const [slots, setSlots] = useState(String(pool.slots));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPool.mutate({ name: pool.name, slots: Number(slots) });
  };
  return (
    <tr>
      <td>{pool.name}</td>
      <td>
        <meter min={0} max={Math.max(pool.slots, 1)} value={pool.used} aria-label={`${pool.name} slots used`} />{' '}
        {pool.used}/{pool.slots}
      </td>
      <td>{pool.running}</td>
      <td>{pool.queued}</td>
      <td>{pool.waiting}</td>
      <td>
        {admin ? (
          <form onSubmit={submit} className="flows-inline">
            <input
              type="number"
              min={0}
              value={slots}
              aria-label={`Slots of ${pool.name}`}
              onChange={(e) => setSlots(e.target.value)}
            />
            <button type="submit" disabled={setPool.isPending || slots === String(pool.slots)}>
              Set
            </button>
            {setPool.isError && <ErrorBox error={setPool.error} />}
          </form>
        ) : (
          pool.slots
        )}
      </td>
    </tr>
  );
}
