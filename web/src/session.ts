import { api, setUnauthenticatedHandler, type UserMe } from './api';
import { createStore, useStore } from './store';

export interface Session {
  /** undefined while the first /me request is in flight. */
  user: UserMe | null | undefined;
}

export const session = createStore<Session>({ user: undefined });

export function useSession(): Session {
  return useStore(session);
}

export function setUser(user: UserMe | null): void {
  session.set({ user });
}

export async function loadSession(): Promise<void> {
  try {
    setUser(await api.me());
  } catch {
    setUser(null);
  }
}

setUnauthenticatedHandler(() => {
  if (session.get().user) setUser(null);
});
