import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { CloseIcon } from '../components/Icons';

let nextId = 1;

/** A bottom sheet dialog: focus moves in, Escape or a tap outside closes it. */
export function Sheet(props: { title: ComponentChildren; onClose: () => void; children: ComponentChildren; class?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useRef(`sheet-${nextId++}`);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      opener?.focus?.();
    };
  }, []);
  return (
    <div class="sheet-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class={`sheet ${props.class ?? ''}`} ref={ref} tabIndex={-1} role="dialog" aria-modal="true" aria-labelledby={id.current}>
        <header class="sheet-head">
          <h2 id={id.current}>{props.title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={props.onClose}>
            <CloseIcon width={22} height={22} />
          </button>
        </header>
        <div class="sheet-body">{props.children}</div>
      </div>
    </div>
  );
}
