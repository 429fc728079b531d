/**
 * Trigger a run with a form generated from the flow's params schema; fields that do not
 * parse are named before anything is sent, the server's refusals (FLOW_PARAMS, 403) are
 * shown as it said them, and a created run opens its page.
 */
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '../../components/error-box';
import { navigate } from '../../router/router';
import { useTrigger, type FlowDetail } from './flow-api';
import { flowPath } from './flow-paths';
import { paramFields, parseParams } from './params-form';

export function TriggerForm({ flow }: { readonly flow: FlowDetail }) {
  const fields = paramFields(flow.paramsSchema);
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const trigger = useTrigger(flow.id);
  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseParams(fields, values);
    if (parsed.kind === 'invalid') return setErrors(parsed.errors);
    setErrors({});
    trigger.mutate(parsed.params, { onSuccess: (run) => navigate(flowPath(flow.id, run.runId)) });
  };

  return (
    <form onSubmit={submit} aria-label={`Trigger ${flow.id}`} className="flows-form">
      {fields.length === 0 && <p className="muted">This flow has no parameters.</p>}
      {fields.map((field) => {
        const id = `param-${field.name}`;
        const value = values[field.name] ?? field.initial;
        return (
          <div className="form-row" key={field.name}>
            <label htmlFor={id}>{field.name}</label>
            {field.kind === 'boolean' ? (
              <input
                id={id}
                type="checkbox"
                checked={value === 'true'}
                onChange={(e) => set(field.name, String(e.target.checked))}
              />
            ) : (
              <input
                id={id}
                type="text"
                inputMode={field.kind === 'number' ? 'decimal' : undefined}
                value={value}
                className={field.kind === 'json' ? 'mono' : undefined}
                aria-invalid={errors[field.name] !== undefined}
                aria-describedby={errors[field.name] ? `${id}-error` : undefined}
                onChange={(e) => set(field.name, e.target.value)}
              />
            )}
            {errors[field.name] && (
              <span id={`${id}-error`} className="state-failed">
                {errors[field.name]}
              </span>
            )}
          </div>
        );
      })}
      <button type="submit" disabled={trigger.isPending}>
        {trigger.isPending ? 'Triggering…' : 'Trigger run'}
      </button>
      {trigger.isError && <ErrorBox error={trigger.error} />}
    </form>
  );
}
