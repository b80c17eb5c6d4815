import { createStore } from './store';

export interface Toast {
  id: number;
  text: string;
}

export const toasts = createStore<Toast[]>([]);
let next = 1;

/** Show a short message at the bottom of the screen. */
export function toast(text: string, ms = 3500): void {
  const id = next++;
  toasts.set((list) => [...list.slice(-2), { id, text }]);
  setTimeout(() => toasts.set((list) => list.filter((t) => t.id !== id)), ms);
}
