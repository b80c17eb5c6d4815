// Player icons (fill follows currentColor).
import type { SVGAttributes } from 'preact';

type P = SVGAttributes<SVGSVGElement>;

const base = { width: 24, height: 24, viewBox: '0 0 24 24', fill: 'currentColor', 'aria-hidden': 'true' } as const;

export const PauseIcon = (p: P) => (
  <svg {...base} {...p}>
    <path d="M6 4h4v16H6zM14 4h4v16h-4z" />
  </svg>
);

export const NextIcon = (p: P) => (
  <svg {...base} {...p}>
    <path d="M5 4v16l11-8zM17 4h2.5v16H17z" />
  </svg>
);

export const PrevIcon = (p: P) => (
  <svg {...base} {...p}>
    <path d="M19 4v16L8 12zM4.5 4H7v16H4.5z" />
  </svg>
);

export const QueueIcon = (p: P) => (
  <svg {...base} fill="none" stroke="currentColor" stroke-width={2} stroke-linecap="round" {...p}>
    <path d="M3 6h13M3 12h13M3 18h8M17 15v6l5-3z" />
  </svg>
);

export const DotsIcon = (p: P) => (
  <svg {...base} {...p}>
    <circle cx="5" cy="12" r="2" />
    <circle cx="12" cy="12" r="2" />
    <circle cx="19" cy="12" r="2" />
  </svg>
);

export const ArrowIcon = ({ way, ...p }: P & { way: 'up' | 'down' }) => (
  <svg {...base} fill="none" stroke="currentColor" stroke-width={2.4} stroke-linecap="round" width={14} height={14} {...p}>
    <path d={way === 'up' ? 'M12 19V5M6 11l6-6 6 6' : 'M12 5v14M6 13l6 6 6-6'} />
  </svg>
);

export const LibraryIcon = (p: P) => (
  <svg {...base} fill="none" stroke="currentColor" stroke-width={2} stroke-linecap="round" {...p}>
    <path d="M4 4v16M9 4v16M14 5l5 15" />
  </svg>
);

export const RadioIcon = (p: P) => (
  <svg {...base} fill="none" stroke="currentColor" stroke-width={2} stroke-linecap="round" {...p}>
    <circle cx="12" cy="12" r="2" />
    <path d="M8.5 8.5a5 5 0 0 0 0 7M15.5 8.5a5 5 0 0 1 0 7M5.6 5.6a9 9 0 0 0 0 12.8M18.4 5.6a9 9 0 0 1 0 12.8" />
  </svg>
);
