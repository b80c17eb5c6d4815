import type { ComponentChildren } from 'preact';
import { ApiError, errorMessage } from '../api';

/** Split an error into per-field messages and a form-level message. */
export function splitErrors(err: unknown, fields: string[]): { fields: Record<string, string>; form: string | null } {
  if (!(err instanceof ApiError)) return { fields: {}, form: errorMessage(err) };
  if (err.status === 429) return { fields: {}, form: errorMessage(err) };
  const all = err.fieldErrors();
  const known: Record<string, string> = {};
  const other: string[] = [];
  for (const [k, v] of Object.entries(all)) {
    if (fields.includes(k)) known[k] = v;
    else other.push(v);
  }
  let form: string | null = other.length ? other.join(' ') : null;
  if (!Object.keys(known).length && !form) form = errorMessage(err);
  return { fields: known, form };
}

export function AuthLayout(props: { title: string; subtitle: string; children: ComponentChildren }) {
  return (
    <section class="auth">
      <div class="auth-brand" aria-hidden="true">
        riff
      </div>
      <h1>{props.title}</h1>
      <p class="muted">{props.subtitle}</p>
      {props.children}
    </section>
  );
}
