// Chart pages: the weekly chart (any stored week, with movement, peak and
// weeks on the chart) and the daily viral chart from short-video use.
import { PageHeader } from '../components/PageHeader';
import { ApiError } from '../api';
import { Link, navigate, useLocation } from '../router';
import { formatCount, useTitle } from '../util';
import { musicApi, musicPaths, type ChartEntry } from './api';
import { LoadError, Spinner } from './common';
import { Movement } from './Movement';
import { TrackList } from './TrackList';
import { useLoad } from './useLoad';

function ChartTabs({ viral }: { viral: boolean }) {
  return (
    <nav class="tabs" aria-label="Charts">
      <Link href={musicPaths.charts} class={`tab${viral ? '' : ' active'}`} aria-current={viral ? undefined : 'page'}>
        Weekly
      </Link>
      <Link href={musicPaths.viral} class={`tab${viral ? ' active' : ''}`} aria-current={viral ? 'page' : undefined}>
        Viral
      </Link>
    </nav>
  );
}

function stats(e: ChartEntry): string {
  const parts = [`Peak ${e.peak}`, `${e.weeks_on_chart} wk${e.weeks_on_chart === 1 ? '' : 's'}`];
  if (e.weeks_at_number_one > 0) parts.push(`${e.weeks_at_number_one}× No. 1`);
  return parts.join(' · ');
}

function weekLabel(startIso: string, endIso: string): string {
  const f = (iso: string) => new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return `${f(startIso)} – ${f(endIso)}`;
}

export function WeeklyChartPage() {
  const { search } = useLocation();
  const week = new URLSearchParams(search).get('week') ?? undefined;
  const chart = useLoad(`weekly:${week ?? ''}`, () => musicApi.weeklyChart(week));
  const weeks = useLoad('weeks', () => musicApi.chartWeeks({ limit: 52 }));
  useTitle('Weekly chart');
  const noChart = chart.error instanceof ApiError && chart.error.status === 404 && !week;
  const items = chart.data?.items ?? [];
  return (
    <div class="music">
      <PageHeader title="Charts" back />
      <ChartTabs viral={false} />
      {weeks.data && weeks.data.items.length > 0 && (
        <label class="week-pick">
          <span class="visually-hidden">Week</span>
          <select
            value={chart.data?.week ?? week ?? ''}
            onChange={(e) => navigate(`${musicPaths.charts}?week=${e.currentTarget.value}`, { replace: true })}
          >
            {weeks.data.items.map((w) => (
              <option key={w.week} value={w.week}>
                Week of {weekLabel(w.starts_at, w.ends_at)}
              </option>
            ))}
          </select>
        </label>
      )}
      {chart.loading ? (
        <Spinner />
      ) : noChart ? (
        <p class="muted pad" data-testid="chart-empty">
          No weekly chart yet. Charts run Friday to Thursday (UTC) and come out when the week ends.
        </p>
      ) : chart.error ? (
        <LoadError error={chart.error} what="chart" retry={chart.reload} />
      ) : (
        <>
          <p class="muted pad chart-week" data-testid="chart-week">
            {chart.data && weekLabel(chart.data.starts_at, chart.data.ends_at)}
          </p>
          <TrackList
            tracks={items.map((e) => e.track)}
            label="Weekly chart"
            lead={(_t, i) => <Movement entry={items[i]!} />}
            trail={(_t, i) => (
              <span class="chart-stats" data-testid="chart-stats">
                {stats(items[i]!)}
                <span class="chart-points">{items[i]!.points} pts</span>
              </span>
            )}
          />
        </>
      )}
    </div>
  );
}

export function ViralChartPage() {
  const viral = useLoad('viral-page', () => musicApi.viralChart(50));
  useTitle('Viral chart');
  const items = viral.data?.items ?? [];
  return (
    <div class="music">
      <PageHeader title="Charts" back />
      <ChartTabs viral />
      {viral.loading ? (
        <Spinner />
      ) : viral.error ? (
        <LoadError error={viral.error} what="chart" retry={viral.reload} />
      ) : items.length === 0 ? (
        <p class="muted pad">No songs in videos today yet. Use a song as a video's sound to get it going.</p>
      ) : (
        <>
          <p class="muted pad">Songs by short-video use today{viral.data?.complete ? '' : ' (so far)'}.</p>
          <TrackList
            tracks={items.map((e) => e.track)}
            label="Viral chart"
            lead={(_t, i) => (
              <span class="chart-pos">
                <span class="chart-num">{items[i]!.position}</span>
              </span>
            )}
            trail={(_t, i) => (
              <span class="chart-stats">
                {formatCount(items[i]!.videos)} {items[i]!.videos === 1 ? 'video' : 'videos'}
              </span>
            )}
          />
        </>
      )}
    </div>
  );
}
