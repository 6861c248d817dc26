/**
 * Translation keys for numbers the protocol types only as `number`
 * (priority is an int 1–4 on the wire), so t() stays type-checked.
 */
export function priorityLabelKey(priority: number): 'priority.1' | 'priority.2' | 'priority.3' | 'priority.4' {
  if (priority <= 1) {
    return 'priority.1';
  }
  if (priority === 2) {
    return 'priority.2';
  }
  return priority === 3 ? 'priority.3' : 'priority.4';
}
