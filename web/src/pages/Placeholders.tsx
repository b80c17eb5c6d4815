import { Placeholder } from '../components/Placeholder';
import { Link } from '../router';
import { useTitle } from '../util';

export function NotFound() {
  useTitle('Not found');
  return (
    <Placeholder icon={<span class="big-404">404</span>} title="This page isn't here">
      <p class="muted">The link may be broken, or the page may have moved.</p>
      <div class="placeholder-actions">
        <Link href="/" class="btn btn-primary">
          Go home
        </Link>
      </div>
    </Placeholder>
  );
}
