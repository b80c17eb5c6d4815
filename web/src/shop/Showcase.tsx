// A creator's showcase on their profile. Opening a product from it records a
// showcase tap, which credits the creator if the viewer buys it.
import { errorMessage } from '../api';
import { useSession } from '../session';
import { toast } from '../toast';
import { usePaged } from '../usePaged';
import { shopApi, type ProductSummary } from './api';
import { ProductGrid } from './ProductGrid';

export function Showcase({ handle, creatorId, isSelf }: { handle: string; creatorId: string; isSelf: boolean }) {
  const { user } = useSession();
  const list = usePaged<ProductSummary>(`showcase:${handle}`, (p) => shopApi.showcase(handle, p), { limit: 24 });
  const open = (p: ProductSummary) => {
    if (user && !isSelf) shopApi.tap(p.id, { source: 'showcase', creator_id: creatorId }).catch(() => {});
  };
  const remove = async (p: ProductSummary) => {
    try {
      await shopApi.removeFromShowcase(p.id);
      list.setItems((items) => items.filter((x) => x.id !== p.id));
      toast('Removed from your showcase');
    } catch (e) {
      toast(errorMessage(e));
    }
  };
  return (
    <ProductGrid
      list={list}
      label="Showcase"
      empty={isSelf ? 'Add products to your showcase from their pages or the affiliate center.' : 'No products in this showcase yet.'}
      onOpen={open}
      extra={
        isSelf
          ? (p) => (
              <button type="button" class="link-button" aria-label={`Remove ${p.title} from showcase`} onClick={() => remove(p)}>
                Remove
              </button>
            )
          : undefined
      }
    />
  );
}
