import type { ComponentChildren } from 'preact';

export function Placeholder(props: { icon: ComponentChildren; title: string; children?: ComponentChildren }) {
  return (
    <section class="placeholder">
      <div class="placeholder-icon" aria-hidden="true">
        {props.icon}
      </div>
      <h1>{props.title}</h1>
      {props.children}
    </section>
  );
}
