// The commerce pages: /shop, /shop/:handle, /product/:id, /cart, /checkout,
// /orders, /orders/:id, /affiliate, and the seller center under /seller.
import type { ComponentChild } from 'preact';
import { RequireUser } from '../pages/RequireUser';
import { AffiliateCenter } from './Affiliate';
import { CartPage } from './Cart';
import { CheckoutPage } from './Checkout';
import { ShopHub } from './Hub';
import { OrderDetail, OrdersPage } from './Orders';
import { ProductPage } from './Product';
import { ProductEditor } from './seller/Products';
import { SellerCenter, type SellerTab } from './seller/SellerCenter';
import { ShopPage } from './ShopPage';

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The page for a commerce path, or null when it is not one. */
export function shopRoute(p: string): ComponentChild | null {
  switch (p) {
    case '/shop':
      return <ShopHub />;
    case '/cart':
      return <RequireUser what="your cart">{() => <CartPage />}</RequireUser>;
    case '/checkout':
      return <RequireUser what="checkout">{(user) => <CheckoutPage user={user} />}</RequireUser>;
    case '/affiliate':
      return <RequireUser what="the affiliate center">{() => <AffiliateCenter />}</RequireUser>;
    case '/orders':
      return <RequireUser what="your orders">{() => <OrdersPage />}</RequireUser>;
    case '/seller':
      return <RequireUser what="the seller center">{(user) => <SellerCenter tab="products" user={user} />}</RequireUser>;
    case '/seller/products/new':
      return <RequireUser what="the seller center">{(user) => <ProductEditor key="new" id={null} user={user} />}</RequireUser>;
  }
  const seller = /^\/seller\/(orders|shipping|coupons|deals|returns|affiliates|balance|settings|products)$/.exec(p);
  if (seller) {
    const tab = seller[1] as SellerTab;
    return <RequireUser what="the seller center">{(user) => <SellerCenter tab={tab} user={user} />}</RequireUser>;
  }
  const edit = /^\/seller\/products\/([^/]+)$/.exec(p);
  if (edit) {
    const id = decode(edit[1]!);
    return <RequireUser what="the seller center">{(user) => <ProductEditor key={id} id={id} user={user} />}</RequireUser>;
  }
  const m = /^\/(shop|product|orders)\/([^/]+)$/.exec(p);
  if (!m) return null;
  const arg = decode(m[2]!);
  if (m[1] === 'shop') return <ShopPage key={arg} handle={arg} />;
  if (m[1] === 'product') return <ProductPage key={arg} id={arg} />;
  return <RequireUser what="this order">{() => <OrderDetail key={arg} id={arg} />}</RequireUser>;
}
