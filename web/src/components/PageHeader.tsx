import type { ComponentChildren } from 'preact';
import { BackIcon } from './Icons';

/** Sticky top bar with an optional back button and right-side actions. */
export function PageHeader(props: { title: ComponentChildren; back?: boolean; right?: ComponentChildren }) {
  return (
    <header class="page-header">
      <span class="page-header-side">
        {props.back && (
          <button
            type="button"
            class="icon-button"
            aria-label="Back"
            onClick={() => (history.length > 1 ? history.back() : (location.href = '/'))}
          >
            <BackIcon />
          </button>
        )}
      </span>
      <h1 class="page-header-title">{props.title}</h1>
      <span class="page-header-side page-header-right">{props.right}</span>
    </header>
  );
}
