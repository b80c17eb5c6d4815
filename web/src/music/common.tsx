// Small pieces the music pages share: loading and error states, section
// headings, and the region message.
import type { ComponentChildren } from 'preact';
import { ApiError, errorMessage } from '../api';
import { Link } from '../router';

export function Spinner() {
  return (
    <div class="center-pad">
      <span class="spinner" role="status" aria-label="Loading" />
    </div>
  );
}

/** Clear text for a failed load: not found, not in your region, or the error. */
export function unavailableText(err: unknown, what: string): string {
  if (err instanceof ApiError) {
    if (err.status === 404) return `This ${what} doesn't exist or was removed.`;
    if (err.status === 451 || err.slug === 'region' || err.slug === 'not-available-in-region' || err.slug === 'unavailable-in-region') {
      return err.detail || `This ${what} isn't available where you are.`;
    }
  }
  return errorMessage(err);
}

export function LoadError(props: { error: unknown; what: string; retry?: () => void }) {
  return (
    <div class="center-pad column" role="alert">
      <p class="form-error" data-testid="music-error">
        {unavailableText(props.error, props.what)}
      </p>
      {props.retry && (
        <button type="button" class="btn btn-secondary btn-small" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Section(props: { title: string; href?: string; children: ComponentChildren; testid?: string }) {
  return (
    <section class="music-section" data-testid={props.testid}>
      <header class="music-section-head">
        <h2>{props.title}</h2>
        {props.href && (
          <Link href={props.href} class="see-all">
            See all
          </Link>
        )}
      </header>
      {props.children}
    </section>
  );
}
