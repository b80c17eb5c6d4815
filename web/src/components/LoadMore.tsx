import type { Paged } from '../usePaged';
import { errorMessage } from '../api';

/** The footer of a paged list: spinner, error with retry, or "Load more". */
type ListState = Pick<Paged<unknown>, 'error' | 'loaded' | 'loading' | 'hasMore' | 'loadMore' | 'reload'> & {
  items: readonly unknown[];
};

export function LoadMore({ list }: { list: ListState }) {
  if (list.error && list.loaded) {
    return (
      <div class="list-footer">
        <p class="form-error" role="alert">
          {errorMessage(list.error)}
        </p>
        <button type="button" class="btn btn-secondary" onClick={list.items.length ? list.loadMore : list.reload}>
          Try again
        </button>
      </div>
    );
  }
  if (list.loading) {
    return (
      <div class="list-footer">
        <span class="spinner" role="status" aria-label="Loading" />
      </div>
    );
  }
  if (list.hasMore) {
    return (
      <div class="list-footer">
        <button type="button" class="btn btn-secondary" onClick={list.loadMore}>
          Load more
        </button>
      </div>
    );
  }
  return null;
}
