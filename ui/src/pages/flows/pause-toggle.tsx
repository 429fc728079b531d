/** A flow's paused switch: admins flip it (the server refuses others), everyone sees it. */
import { ErrorBox } from '../../components/error-box';
import { useSession } from '../../session/session';
import { usePause } from './flow-api';

export function PauseToggle({ flowId, paused }: { readonly flowId: string; readonly paused: boolean }) {
  const pause = usePause(flowId);
  const admin = useSession().principal.role === 'admin';
  return (
    <span className="flows-pause">
      <button
        type="button"
        role="switch"
        aria-checked={paused}
        aria-label={`Paused ${flowId}`}
        disabled={!admin || pause.isPending}
        title={admin ? (paused ? 'Unpause the schedule' : 'Pause the schedule') : 'Pausing needs the admin role'}
        onClick={() => pause.mutate(!paused)}
        className={paused ? 'flows-switch flows-switch-on' : 'flows-switch'}
      >
        {paused ? 'Paused' : 'Active'}
      </button>
      {pause.isError && <ErrorBox error={pause.error} />}
    </span>
  );
}
