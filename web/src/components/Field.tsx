interface Props {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  error?: string;
  hint?: string;
  multiline?: boolean;
  rows?: number;
  type?: 'text' | 'email' | 'password';
  autocomplete?: string;
  autocapitalize?: 'none' | 'off' | 'sentences' | 'words' | 'characters';
  spellcheck?: boolean;
}

/** A labelled text input with an inline error tied in via aria-describedby. */
export function Field({ id, label, value, onValue, error, hint, multiline, rows, type = 'text', ...rest }: Props) {
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errId : '', hint && !error ? hintId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: id,
    value,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {multiline ? (
        <textarea
          {...common}
          rows={rows ?? 3}
          onInput={(e) => onValue((e.currentTarget as HTMLTextAreaElement).value)}
        />
      ) : (
        // Preact 11's input typings discriminate on a literal `type`; ours is a union of text-like types.
        <input type={type as 'text'} {...rest} {...common} onInput={(e) => onValue(e.currentTarget.value)} />
      )}
      {hint && !error && (
        <p id={hintId} class="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errId} class="field-error" data-testid={`field-error-${id}`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <p class="form-error" role="alert" data-testid="form-error">
      {message}
    </p>
  );
}
