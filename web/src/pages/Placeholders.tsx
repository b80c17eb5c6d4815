import { DiscoverIcon, HomeIcon, PlusIcon } from '../components/Icons';
import { Placeholder } from '../components/Placeholder';
import { Link } from '../router';
import { useSession } from '../session';
import { useTitle } from '../util';

function SignInNudge() {
  const { user } = useSession();
  if (user !== null) return null;
  return (
    <div class="placeholder-actions">
      <Link href="/signup" class="btn btn-primary">
        Sign up
      </Link>
      <Link href="/login" class="btn btn-secondary">
        Log in
      </Link>
    </div>
  );
}

export function Home() {
  useTitle('For You');
  return (
    <Placeholder icon={<HomeIcon width={44} height={44} />} title="Your For You feed arrives soon">
      <p class="muted">
        Short videos picked for you, learning from every watch, like and share. In the meantime, find people to follow.
      </p>
      <SignInNudge />
    </Placeholder>
  );
}

export function Discover() {
  useTitle('Discover');
  return (
    <Placeholder icon={<DiscoverIcon width={44} height={44} />} title="Discover is on its way">
      <p class="muted">Trending sounds, hashtags and creators will live here.</p>
      <SignInNudge />
    </Placeholder>
  );
}

export function Upload() {
  useTitle('Upload');
  return (
    <Placeholder icon={<PlusIcon width={44} height={44} />} title="Uploading comes next">
      <p class="muted">Soon you'll post videos here, pick a sound, and share them with your followers.</p>
      <SignInNudge />
    </Placeholder>
  );
}

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
