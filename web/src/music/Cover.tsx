import { MusicIcon } from '../components/Icons';

/** Square cover art, or a tinted note when there is none. */
export function Cover(props: { url: string | null | undefined; size?: number; alt?: string; round?: boolean }) {
  const size = props.size ?? 48;
  const cls = `cover${props.round ? ' cover-round' : ''}`;
  if (!props.url) {
    return (
      <span class={`${cls} cover-empty`} style={{ width: size, height: size }} aria-hidden="true">
        <MusicIcon width={size * 0.45} height={size * 0.45} />
      </span>
    );
  }
  return <img class={cls} src={props.url} width={size} height={size} alt={props.alt ?? ''} loading="lazy" />;
}
