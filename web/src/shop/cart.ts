// The signed-in buyer's cart, shared by the product sheet, the cart page and
// the cart link's count. The server's answer to every change replaces it.
import { session } from '../session';
import { createStore, useStore } from '../store';
import { shopApi, type Cart } from './api';

export const cart = createStore<Cart | null>(null);

export function useCart(): Cart | null {
  return useStore(cart);
}

/** Re-reads the cart (nothing for a signed-out visitor). */
export async function refreshCart(): Promise<Cart | null> {
  if (!session.get().user) {
    cart.set(null);
    return null;
  }
  const c = await shopApi.cart();
  cart.set(c);
  return c;
}

/** Adds `quantity` of a variant to what the cart already holds; resolves the new cart. */
export async function addToCart(variantId: string, quantity: number): Promise<Cart> {
  const current = cart.get() ?? (await refreshCart());
  const have = current?.items.find((l) => l.variant_id === variantId)?.quantity ?? 0;
  const next = await shopApi.setCartItem(variantId, Math.min(99, have + quantity));
  cart.set(next);
  return next;
}

export async function setQuantity(variantId: string, quantity: number): Promise<Cart> {
  const next = quantity > 0 ? await shopApi.setCartItem(variantId, quantity) : await shopApi.removeCartItem(variantId);
  cart.set(next);
  return next;
}

// A different user (or none) must not see the last one's cart.
let lastUser: string | null | undefined;
session.subscribe((s) => {
  const id = s.user ? s.user.id : null;
  if (id === lastUser) return;
  lastUser = id;
  cart.set(null);
});
