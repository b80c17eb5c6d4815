interface Props {
  user: { handle: string; display_name?: string; avatar_url: string | null };
  size?: number;
}

const palette = ['#fe2c55', '#25f4ee', '#8b5cf6', '#f59e0b', '#10b981', '#3b82f6', '#ec4899'];

function colorFor(handle: string): string {
  let h = 0;
  for (let i = 0; i < handle.length; i++) h = (h * 31 + handle.charCodeAt(i)) >>> 0;
  return palette[h % palette.length]!;
}

/** Round avatar; falls back to the initial on a colored disc. */
export function Avatar({ user, size = 48 }: Props) {
  const style = { width: `${size}px`, height: `${size}px`, fontSize: `${Math.round(size * 0.42)}px` };
  if (user.avatar_url) {
    return <img class="avatar" src={user.avatar_url} alt="" width={size} height={size} style={style} loading="lazy" />;
  }
  const initial = (user.display_name || user.handle || '?').trim().charAt(0).toUpperCase() || '?';
  return (
    <span class="avatar avatar-fallback" aria-hidden="true" style={{ ...style, background: colorFor(user.handle) }}>
      {initial}
    </span>
  );
}
