import type { ComponentChildren, LooseAnchorHTMLAttributes, TargetedMouseEvent } from 'preact';
import { createStore, useStore } from './store';

// A tiny history (path) router. riffd falls back to index.html for unknown
// paths, so deep links such as /@alice/followers load the app directly.

export interface Location {
  path: string;
  search: string;
}

function current(): Location {
  return { path: location.pathname || '/', search: location.search };
}

const loc = createStore<Location>(current());

window.addEventListener('popstate', () => loc.set(current()));

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(to, location.href);
  if (url.origin !== location.origin) {
    location.href = url.href;
    return;
  }
  const target = url.pathname + url.search + url.hash;
  if (target === location.pathname + location.search + location.hash) {
    return;
  }
  if (opts.replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  loc.set(current());
  if (url.hash) {
    const id = decodeURIComponent(url.hash.slice(1));
    setTimeout(() => document.getElementById(id)?.scrollIntoView({ block: 'start' }), 0);
  } else if (!opts.replace) {
    window.scrollTo(0, 0);
  }
}

export function useLocation(): Location {
  return useStore(loc);
}

type AnchorProps = Omit<LooseAnchorHTMLAttributes<HTMLAnchorElement>, 'href' | 'role'> & {
  href: string;
  replace?: boolean;
  children?: ComponentChildren;
};

/** An <a> that navigates in-app for plain left clicks. */
export function Link({ href, replace, onClick, ...rest }: AnchorProps) {
  const handle = (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (onClick) (onClick as (e: TargetedMouseEvent<HTMLAnchorElement>) => void)(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    e.preventDefault();
    navigate(href, { replace });
  };
  return <a href={href} onClick={handle} {...rest} />;
}

/** Path of a profile: /@handle[/suffix]. */
export function profilePath(handle: string, suffix = ''): string {
  return `/@${encodeURIComponent(handle)}${suffix}`;
}
