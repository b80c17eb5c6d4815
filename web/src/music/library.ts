// The listener's library as the client knows it: what the server said was
// saved (items carry "saved") and what was saved or removed since, so every
// heart on every page agrees. Saving and removing go to the server first.
import { createStore } from '../store';
import { musicApi, type LibraryKind } from './api';

/** `${kind}:${id}` -> saved, for items whose state is known. */
export const savedItems = createStore<Record<string, boolean>>({});

const key = (kind: LibraryKind, id: string) => `${kind}:${id}`;

/** Whether the item is saved: what changed here, else what the server said, else false. */
export function isSaved(all: Record<string, boolean>, kind: LibraryKind, id: string, server?: boolean): boolean {
  return all[key(kind, id)] ?? server ?? false;
}

/** Saves or removes the item; resolves once the server agreed. */
export async function setSaved(kind: LibraryKind, id: string, saved: boolean): Promise<void> {
  if (saved) await musicApi.save(kind, id);
  else await musicApi.unsave(kind, id);
  savedItems.set((all) => ({ ...all, [key(kind, id)]: saved }));
}
