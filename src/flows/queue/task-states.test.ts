import { describe, expect, it } from 'vitest';
import {
  canTransition,
  FINISHED_TASK_STATES,
  RUN_TRANSITIONS,
  RunState,
  TASK_TRANSITIONS,
  TaskState,
} from './task-states.js';

describe('task state transitions', () => {
  const states = Object.values(TaskState);

  it('has a row for every state and only known targets', () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual([...states].sort());
    for (const targets of Object.values(TASK_TRANSITIONS)) {
      for (const target of Object.keys(targets)) expect(states).toContain(target);
    }
  });

  it('reaches every state from none', () => {
    const seen = new Set<TaskState>([TaskState.none]);
    const pending: TaskState[] = [TaskState.none];
    while (pending.length > 0) {
      for (const next of Object.keys(TASK_TRANSITIONS[pending.pop()!]) as TaskState[]) {
        if (!seen.has(next)) {
          seen.add(next);
          pending.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...states].sort());
  });

  it('lets finished states move only when a user clears or marks them', () => {
    for (const state of FINISHED_TASK_STATES) {
      for (const target of Object.keys(TASK_TRANSITIONS[state]))
        expect([TaskState.none, TaskState.success, TaskState.failed]).toContain(target);
    }
    expect(canTransition(TaskState.running, TaskState.cancelled)).toBe(true);
    expect(canTransition(TaskState.cancelled, TaskState.none)).toBe(true);
    expect(canTransition(TaskState.queued, TaskState.running)).toBe(true);
    expect(canTransition(TaskState.success, TaskState.running)).toBe(false);
    expect(canTransition(TaskState.running, TaskState.upForRetry)).toBe(true);
  });

  it('has run transitions for every run state', () => {
    expect(Object.keys(RUN_TRANSITIONS).sort()).toEqual(Object.values(RunState).sort());
  });
});
