// The listener's plan: a chip in the music header and the Premium page.
// Purchases happen in the mobile apps through the App Store or Google Play;
// the web shows the plan, its status and what Premium gives.
import { PageHeader } from '../components/PageHeader';
import { Link } from '../router';
import { RequireUser } from '../pages/RequireUser';
import { useTitle } from '../util';
import { musicApi, musicPaths, type Subscription } from './api';
import { LoadError, Spinner } from './common';
import { useLoad } from './useLoad';

export function PlanChip() {
  const me = useLoad('music-me', () => musicApi.me());
  if (!me.data) return null;
  const premium = me.data.plan === 'premium';
  return (
    <Link href={musicPaths.premium} class={`chip plan-chip${premium ? ' premium' : ''}`} data-testid="plan-chip">
      {premium ? 'Premium' : 'Go Premium'}
    </Link>
  );
}

const kBenefits: Array<[string, string]> = [
  ['No ads', 'Music without interruptions.'],
  ['Best sound', 'Streams up to 320 kbit/s.'],
  ['Offline', 'Download songs and listen without a connection.'],
];

function date(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}

const kSource: Record<string, string> = { app_store: 'the App Store', google_play: 'Google Play', admin: 'riff' };

/** One line on where the plan stands: renewal, end, or why it ended. */
function statusText(sub: Subscription): string {
  const end = sub.current_period_end ? date(sub.current_period_end) : null;
  const from = sub.source ? ` through ${kSource[sub.source] ?? sub.source}` : '';
  if (sub.plan === 'premium') {
    if (!end) return `Active${from}.`;
    if (sub.status === 'active' && sub.auto_renew) return `Renews on ${end}${from}.`;
    return `Active until ${end}${from}; it won't renew.`;
  }
  if (sub.status === 'refunded') return 'Your Premium was refunded and has ended.';
  if (sub.status === 'expired' || (sub.status === 'cancelled' && end)) return end ? `Premium ended on ${end}.` : 'Premium has ended.';
  return `Free listening with ads between songs, up to ${sub.max_quality} kbit/s.`;
}

function PlanStatus({ sub }: { sub: Subscription }) {
  const premium = sub.plan === 'premium';
  return (
    <section class="plan-card" data-testid="plan-status">
      <p class="muted-inline">Your plan</p>
      <h2 class="plan-name">{premium ? 'riff Music Premium' : 'riff Music Free'}</h2>
      <p class="muted">{statusText(sub)}</p>
    </section>
  );
}

function PremiumBody() {
  const me = useLoad('music-subscription', () => musicApi.subscription());
  if (me.loading) return <Spinner />;
  if (me.error || !me.data) return <LoadError error={me.error} what="plan" retry={me.reload} />;
  const premium = me.data.plan === 'premium';
  return (
    <div class="pad column">
      <PlanStatus sub={me.data} />
      <h3 class="benefits-title">{premium ? 'What you have' : 'What Premium gives you'}</h3>
      <ul class="benefits">
        {kBenefits.map(([title, text]) => (
          <li key={title}>
            <span class="benefit-check" aria-hidden="true">
              ✓
            </span>
            <span>
              <strong>{title}</strong>
              <span class="muted"> {text}</span>
            </span>
          </li>
        ))}
      </ul>
      {!premium && (
        <p class="store-note" data-testid="store-note">
          Get Premium in the riff app on your phone: subscribe through the App Store or Google Play, and it applies
          here too as soon as the store confirms it.
        </p>
      )}
    </div>
  );
}

export function PremiumPage() {
  useTitle('Premium');
  return (
    <div class="music">
      <PageHeader title="Premium" back />
      <RequireUser what="your plan">{() => <PremiumBody />}</RequireUser>
    </div>
  );
}
