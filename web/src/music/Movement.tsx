import type { ChartEntry } from './api';
import { ArrowIcon } from './icons';

/** Chart position with its movement since last week: up, down, same or new. */
export function Movement({ entry }: { entry: Pick<ChartEntry, 'position' | 'last_week'> }) {
  const { position, last_week } = entry;
  let mark;
  let label: string;
  if (last_week == null) {
    mark = <span class="move move-new">NEW</span>;
    label = 'new this week';
  } else if (last_week > position) {
    mark = (
      <span class="move move-up">
        <ArrowIcon way="up" />
        {last_week - position}
      </span>
    );
    label = `up ${last_week - position}`;
  } else if (last_week < position) {
    mark = (
      <span class="move move-down">
        <ArrowIcon way="down" />
        {position - last_week}
      </span>
    );
    label = `down ${position - last_week}`;
  } else {
    mark = <span class="move move-same">–</span>;
    label = 'same as last week';
  }
  return (
    <span class="chart-pos" aria-label={`Number ${position}, ${label}`}>
      <span class="chart-num">{position}</span>
      {mark}
    </span>
  );
}
