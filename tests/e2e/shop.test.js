// Commerce in the browser, end to end through the real web client: a seller
// opens a shop and lists a product in the seller center, a creator links it
// to their video, a buyer taps the product card on the video, adds it to the
// cart and pays with the simulated gateway's test card, the seller ships it,
// the buyer sees it in transit, receives it and gets part of the money back.
// A declined test card says so and leaves no paid order behind; a checkout
// whose answer is lost is retried with the same Idempotency-Key and pays
// once; a showcase tap credits the creator.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { expectStatus, signup, uniqueHandle } from '../lib/http.js';
import { cleanupAll, repoRoot, startRiffd } from '../lib/riffd.js';
import { openBrowser, step } from '../lib/browser.js';
import { publish, smallClip } from '../lib/videos.js';

let server;
before(async () => {
  const index = path.join(repoRoot, 'web/dist/index.html');
  if (!fs.existsSync(index)) throw new Error(`${index} is missing: build the web client first (cd web && npm run build)`);
  // Settlement at once after delivery, posted every second, so that a
  // delivered order settles while the test watches.
  server = await startRiffd({ env: { RIFF_SETTLEMENT_DAYS: '0', RIFF_LEDGER_SETTLE_INTERVAL_SECONDS: '1' } });
});
after(cleanupAll);

async function logIn(page, user) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Handle or email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(`${server.url}/@${user.handle}`);
}

async function fillAddress(page) {
  await page.getByLabel('Full name', { exact: true }).fill('Bo Buyer');
  await page.getByLabel('Address line 1', { exact: true }).fill('1 Main St');
  await page.getByLabel('City', { exact: true }).fill('Springfield');
  await page.getByLabel('Postal code', { exact: true }).fill('12345');
  await page.getByLabel('Country', { exact: true }).fill('US');
}

/// A seller with an active one-variant product, made through the API.
async function apiSeller({ price = 2000, onHand = 5 } = {}) {
  const user = await signup(server);
  const shop = await user.post('/api/v1/me/shop', {
    json: { name: `Shop ${user.handle}`, handle: uniqueHandle('s').replace(/_/g, '-'), currency: 'USD' },
  });
  expectStatus(shop, 201, 'open shop');
  const product = await user.post('/api/v1/me/shop/products', {
    json: { title: 'Desk Lamp', status: 'active', variants: [{ sku: `lamp-${user.handle}`, price, on_hand: onHand }] },
  });
  expectStatus(product, 201, 'create product');
  return { user, product: product.json };
}

describe('shopping in the browser', () => {
  test('a buyer taps the product card on a video, pays with the test card, and the seller ships it', async (t) => {
    const seller = await signup(server);
    const creator = await signup(server);
    const buyer = await signup(server);
    const shopHandle = uniqueHandle('mugs').replace(/_/g, '-');
    const sb = await openBrowser(server, t);
    const bb = await openBrowser(server, t);
    let product;
    let video;
    let orderId;
    const cleanups = [];
    try {
      await step(sb, 'the seller opens a shop in the seller center', async () => {
        await logIn(sb.page, seller);
        await sb.page.getByRole('link', { name: 'Shopping' }).click();
        await sb.page.getByRole('link', { name: 'Seller center' }).click();
        await sb.page.getByLabel('Shop name', { exact: true }).fill('Riff Mugs');
        await sb.page.getByLabel('Shop handle', { exact: true }).fill(shopHandle);
        await sb.page.getByLabel('Currency', { exact: true }).selectOption('USD');
        await sb.page.getByRole('button', { name: 'Open shop' }).click();
        await sb.page.getByTestId('seller-shop').filter({ hasText: 'Riff Mugs' }).waitFor();
      });

      await step(sb, 'the seller writes the policies and the return address', async () => {
        const page = sb.page;
        await page.getByRole('link', { name: 'Shop', exact: true }).click();
        await page.getByLabel('Policies', { exact: true }).fill('Returns within 30 days.');
        await page.getByLabel('Return address line 1', { exact: true }).fill('9 Dock Rd');
        await page.getByLabel('Return city', { exact: true }).fill('Portland');
        await page.getByLabel('Return country', { exact: true }).fill('us');
        await page.getByRole('button', { name: 'Save shop' }).click();
        await page.getByRole('status').filter({ hasText: 'Shop saved' }).waitFor();
        const shop = (await seller.get('/api/v1/me/shop')).json;
        assert.equal(shop.policies, 'Returns within 30 days.');
        assert.deepEqual([shop.return_address.line1, shop.return_address.city, shop.return_address.country], ['9 Dock Rd', 'Portland', 'US']);
      });

      await step(sb, 'the seller sets a shipping option and lists a mug in two colours with stock', async () => {
        const page = sb.page;
        await page.getByRole('link', { name: 'Shipping', exact: true }).click();
        await page.getByRole('button', { name: 'Add shipping option' }).click();
        await page.getByLabel('Name', { exact: true }).fill('Standard');
        await page.getByLabel('Price (USD)', { exact: true }).fill('3.00');
        await page.getByRole('button', { name: 'Save shipping options' }).click();
        await page.getByRole('status').filter({ hasText: 'Shipping options saved' }).waitFor();
        await page.getByRole('link', { name: 'Products', exact: true }).click();
        await page.getByRole('link', { name: 'New product' }).click();
        await page.getByLabel('Title', { exact: true }).fill('Riff Mug');
        await page.getByLabel('Description', { exact: true }).fill('Holds 350 ml of anything.');
        await page.getByRole('button', { name: 'Add option' }).click();
        await page.getByLabel('Option 1 name', { exact: true }).fill('Color');
        await page.getByRole('button', { name: 'Add variant' }).click();
        const rows = [['Blue', 'mug-blue', '12.50', '5'], ['Red', 'mug-red', '14', '0']];
        for (const [i, [color, sku, price, stock]] of rows.entries()) {
          const row = page.getByRole('group', { name: `Variant ${i + 1}` });
          await row.getByLabel('Color', { exact: true }).fill(color);
          await row.getByLabel('SKU', { exact: true }).fill(`${sku}-${seller.handle}`);
          await row.getByLabel('Price (USD)', { exact: true }).fill(price);
          await row.getByLabel('Stock on hand', { exact: true }).fill(stock);
        }
        await page.getByRole('button', { name: 'Create product' }).click();
        await page.waitForURL(/\/seller\/products\/\d+$/);
        const listed = await seller.get('/api/v1/me/shop/products');
        expectStatus(listed, 200);
        assert.equal(listed.json.items.length, 1);
        product = (await seller.get(`/api/v1/products/${listed.json.items[0].id}`)).json;
        assert.equal(product.status, 'active');
        assert.deepEqual(product.variants.map((v) => [v.options[0], v.price, v.on_hand]), [['Blue', 1250, 5], ['Red', 1400, 0]]);
      });

      await step(sb, 'the seller offers creators 10% on the mug', async () => {
        const page = sb.page;
        await page.goto(`${server.url}/seller/affiliates`);
        await page.getByLabel('Commission (%)', { exact: true }).fill('10');
        await page.getByLabel('Products', { exact: true }).selectOption({ label: 'Riff Mug' });
        await page.getByRole('button', { name: 'Create plan' }).click();
        await page.getByTestId('affiliate-plan').filter({ hasText: '10% on Riff Mug' }).waitFor();
        // Back to the product's form, left open while the mug sells (a later step saves it).
        await page.goto(`${server.url}/seller/products/${product.id}`);
        await page.getByRole('group', { name: 'Variant 2' }).getByLabel('Stock on hand', { exact: true }).waitFor();
      });

      // The creator's video (API setup) gets the product through the video's menu.
      video = await publish(creator, fs.readFileSync(smallClip()), { caption: 'my morning mug' });
      assert.equal(video.status, 'ready');
      const cb = await openBrowser(server, t);
      try {
        await step(cb, 'the creator links the mug to their video', async () => {
          const page = cb.page;
          await logIn(page, creator);
          await page.goto(`${server.url}/v/${video.id}`);
          await page.getByRole('button', { name: 'More options' }).click();
          await page.getByRole('button', { name: 'Products on this video' }).click();
          const sheet = page.getByRole('dialog', { name: 'Products on this video' });
          await sheet.getByRole('searchbox', { name: 'Find a product' }).fill('riff mug');
          await sheet.getByRole('button', { name: 'Find' }).click();
          await sheet.getByRole('button', { name: 'Add Riff Mug' }).click();
          await sheet.getByRole('list', { name: 'Linked products' }).getByText('Riff Mug').waitFor();
          await sheet.getByRole('button', { name: 'Close' }).click();
          await page.getByRole('button', { name: /^Product: Riff Mug, / }).waitFor();
          const linked = await creator.get(`/api/v1/videos/${video.id}`);
          assert.deepEqual(linked.json.products.map((c) => c.id), [product.id]);
        });
      } finally {
        await cb.close();
      }

      await step(bb, 'the buyer taps the product card on the video: the tap is recorded and the product opens', async () => {
        const page = bb.page;
        await logIn(page, buyer);
        await page.goto(`${server.url}/v/${video.id}`);
        const tapped = page.waitForResponse((r) => r.url().endsWith(`/api/v1/products/${product.id}/taps`) && r.request().method() === 'POST');
        await page.getByRole('button', { name: /^Product: Riff Mug, / }).click();
        assert.equal((await tapped).status(), 201);
        const sheet = page.getByRole('dialog', { name: 'Riff Mug' });
        await sheet.getByTestId('product-price').filter({ hasText: '12.50' }).waitFor();
        // The red one is sold out: choosing it disables buying.
        const color = sheet.getByRole('group', { name: 'Color' });
        await color.locator('label', { hasText: 'Red' }).click();
        assert.equal(await color.getByRole('radio', { name: 'Red (sold out)' }).isChecked(), true);
        await sheet.getByTestId('product-stock').filter({ hasText: 'Sold out' }).waitFor();
        assert.equal(await sheet.getByRole('button', { name: 'Add to cart' }).isDisabled(), true);
        await color.locator('label', { hasText: 'Blue' }).click();
        assert.equal(await color.getByRole('radio', { name: 'Blue' }).isChecked(), true);
        await sheet.getByRole('button', { name: 'Add to cart' }).click();
        await sheet.getByRole('link', { name: 'View cart' }).click();
        await page.waitForURL(`${server.url}/cart`);
      });

      await step(bb, 'the cart holds the blue mug', async () => {
        const page = bb.page;
        const line = page.getByTestId('cart-line');
        await line.filter({ hasText: 'Blue' }).waitFor();
        assert.equal(await line.count(), 1);
        assert.equal(await page.getByTestId('cart-quantity').textContent(), '1');
        await page.getByRole('button', { name: 'More Riff Mug (Blue)' }).click();
        await page.getByTestId('cart-quantity').filter({ hasText: '2' }).waitFor();
        await page.getByRole('button', { name: 'Fewer Riff Mug (Blue)' }).click();
        await page.getByTestId('cart-quantity').filter({ hasText: '1' }).waitFor();
        await page.getByTestId('cart-subtotal').filter({ hasText: '12.50' }).waitFor();
      });

      await step(bb, 'checkout with the test card: totals from the quote, then the payment is confirmed', async () => {
        const page = bb.page;
        await page.getByRole('link', { name: 'Checkout' }).click();
        await page.waitForURL(`${server.url}/checkout`);
        await fillAddress(page);
        const shipping = page.getByRole('group', { name: 'Shipping from Riff Mugs' });
        assert.equal(await shipping.getByRole('radio', { name: /Standard/ }).isChecked(), true);
        await page.getByRole('radio', { name: 'Test Visa (payment succeeds)' }).check();
        await page.getByTestId('checkout-total').filter({ hasText: '15.50' }).waitFor();
        const placed = page.waitForResponse((r) => r.url().endsWith('/api/v1/checkout') && r.request().method() === 'POST');
        await page.getByRole('button', { name: /^Place order/ }).click();
        const res = await placed;
        assert.equal(res.status(), 201);
        assert.ok(res.request().headers()['idempotency-key'], 'the checkout carries an Idempotency-Key');
        await page.getByRole('heading', { name: 'Payment confirmed' }).waitFor({ timeout: 20000 });
        const chip = page.getByTestId('checkout-result').getByTestId('order-status');
        await chip.filter({ hasText: 'Paid · awaiting shipment' }).waitFor();
        const orders = await buyer.get('/api/v1/me/orders');
        assert.deepEqual(orders.json.items.map((o) => [o.status, o.total]), [['awaiting_shipment', 1550]]);
        orderId = orders.json.items[0].id;
        assert.equal((await buyer.get('/api/v1/me/cart')).json.items.length, 0, 'the cart was bought');
        await page.getByTestId('checkout-result').getByTestId('order-row').click();
        await page.waitForURL(`${server.url}/orders/${orderId}`);
        await page.getByTestId('order-status').filter({ hasText: 'Paid · awaiting shipment' }).waitFor();
      });

      await step(sb, 'the seller restocks red from the form opened before the sale: the sold blue mug stays sold', async () => {
        const page = sb.page;
        await page.getByRole('group', { name: 'Variant 2' }).getByLabel('Stock on hand', { exact: true }).fill('2');
        await page.getByRole('button', { name: 'Save product' }).click();
        await page.getByRole('status').filter({ hasText: 'Product saved' }).waitFor();
        const now = (await seller.get(`/api/v1/products/${product.id}`)).json;
        assert.deepEqual(now.variants.map((v) => [v.options[0], v.on_hand]), [['Blue', 4], ['Red', 2]]);
        assert.equal(await page.getByRole('group', { name: 'Variant 1' }).getByLabel('Stock on hand', { exact: true }).inputValue(), '4');
      });

      await step(sb, 'the seller sees the order, credited to the creator, and ships it', async () => {
        const page = sb.page;
        await page.goto(`${server.url}/seller`);
        await page.getByRole('link', { name: 'Orders', exact: true }).click();
        const row = page.getByTestId('seller-order').filter({ has: page.locator(`[data-order-id="${orderId}"]`) });
        await row.getByTestId('order-status').filter({ hasText: 'Paid · awaiting shipment' }).waitFor();
        const sellerView = await seller.get(`/api/v1/orders/${orderId}`);
        assert.equal(sellerView.json.items[0].creator_id, creator.id, "the buyer's tap credits the video's author");
        await row.getByRole('button', { name: 'Ship' }).click();
        await row.getByLabel('Carrier', { exact: true }).fill('UPS');
        await row.getByLabel('Tracking number', { exact: true }).fill('1Z999AA10123456784');
        await row.getByRole('button', { name: 'Mark shipped' }).click();
        await row.getByTestId('order-status').filter({ hasText: 'In transit' }).waitFor();
      });

      await step(bb, "the buyer's open order page turns to in transit by itself", async () => {
        await bb.page.getByTestId('order-status').filter({ hasText: 'In transit' }).waitFor();
        await bb.page.getByTestId('tracking').filter({ hasText: '1Z999AA10123456784' }).waitFor();
      });

      await step(bb, 'the inbox tells the buyer it shipped; the order shows it in transit with its tracking and history', async () => {
        const page = bb.page;
        await page.getByRole('link', { name: 'Inbox' }).click();
        const notice = page.getByTestId('notification').and(page.locator('[data-kind="order_shipped"]'));
        await notice.filter({ hasText: 'Your order is on its way.' }).waitFor();
        await notice.getByRole('link', { name: 'View order' }).click();
        await page.waitForURL(`${server.url}/orders/${orderId}`);
        await page.getByTestId('order-status').filter({ hasText: 'In transit' }).waitFor();
        await page.getByTestId('tracking').filter({ hasText: '1Z999AA10123456784' }).waitFor();
        const history = await page.getByTestId('history-entry').evaluateAll((els) => els.map((e) => e.dataset.status));
        assert.deepEqual(history, ['unpaid', 'awaiting_shipment', 'in_transit']);
        // Shipped orders can no longer be cancelled.
        assert.equal(await page.getByRole('button', { name: 'Cancel order' }).count(), 0);

        await page.goto(`${server.url}/orders`);
        const row = page.getByTestId('order-row').filter({ hasText: 'Riff Mugs' });
        await row.getByTestId('order-status').filter({ hasText: 'In transit' }).waitFor();
      });

      await step(bb, 'the buyer confirms receipt', async () => {
        const page = bb.page;
        await page.getByTestId('order-row').filter({ hasText: 'Riff Mugs' }).click();
        await page.getByRole('button', { name: 'I received it' }).click();
        await page.getByTestId('order-status').filter({ hasText: 'Delivered' }).waitFor();
        assert.equal((await buyer.get(`/api/v1/orders/${orderId}`)).json.status, 'delivered');
      });

      // The creator watches their commission in the affiliate center.
      const creatorBrowser = await openBrowser(server, t);
      cleanups.push(() => creatorBrowser.close());
      await step(creatorBrowser, "the order settles and the creator's commission appears", async () => {
        const page = creatorBrowser.page;
        await logIn(page, creator);
        await page.goto(`${server.url}/affiliate`);
        const earning = page.getByTestId('earning').filter({ hasText: 'Riff Mug' });
        // 10% of the $12.50 mug; available once the settlement is posted.
        for (let i = 0; (await earning.getAttribute('data-status').catch(() => null)) !== 'available'; i++) {
          assert.ok(i < 60, 'the settlement is posted');
          await new Promise((r) => setTimeout(r, 500));
          await page.reload();
        }
        await earning.filter({ hasText: '1.25' }).waitFor();
        await page.getByTestId('earnings-available').filter({ hasText: '1.25' }).waitFor();
      });

      await step(bb, 'the buyer asks for a partial refund', async () => {
        const page = bb.page;
        await page.getByRole('button', { name: 'Ask for a refund' }).click();
        assert.equal(await page.getByRole('radio', { name: 'A refund, keep the item' }).isChecked(), true);
        assert.equal(await page.getByLabel('Amount (USD)', { exact: true }).inputValue(), '15.50');
        await page.getByLabel('Amount (USD)', { exact: true }).fill('5');
        await page.getByLabel('Reason', { exact: true }).fill('The handle arrived chipped.');
        await page.getByRole('button', { name: 'Send request' }).click();
        const request = page.getByTestId('return-request');
        await request.getByTestId('return-state').filter({ hasText: 'Waiting for the seller' }).waitFor();
        assert.equal(await page.getByRole('button', { name: 'Ask for a refund' }).count(), 0, 'one open request at a time');
      });

      await step(sb, 'the seller approves the refund in the seller center', async () => {
        const page = sb.page;
        await page.getByRole('link', { name: 'Returns', exact: true }).click();
        const request = page.getByTestId('return-request').filter({ hasText: 'The handle arrived chipped.' });
        await request.filter({ hasText: '$5.00' }).waitFor();
        const approved = page.waitForResponse((r) => r.url().endsWith('/approve') && r.request().method() === 'POST');
        await request.getByRole('button', { name: 'Approve refund' }).click();
        const res = await approved;
        assert.equal(res.status(), 200);
        assert.ok(res.request().headers()['idempotency-key'], 'an approval carries an Idempotency-Key');
      });

      await step(bb, 'the buyer sees the refund on the order', async () => {
        const page = bb.page;
        await page.reload();
        await page.getByTestId('return-request').getByTestId('return-state').filter({ hasText: 'Approved and refunded' }).waitFor();
        await page.getByTestId('order-refunded').filter({ hasText: '5.00' }).waitFor();
        assert.equal((await buyer.get(`/api/v1/orders/${orderId}`)).json.refunded, 500);
      });

      await step(creatorBrowser, 'the refund reverses its share of the commission', async () => {
        const page = creatorBrowser.page;
        await page.reload();
        // $5.00 of the $15.50 paid came back: $0.40 of the $1.25 commission goes with it.
        await page.getByTestId('earning').filter({ hasText: 'Riff Mug' }).filter({ hasText: '0.85' }).waitFor();
        await page.getByTestId('earnings-available').filter({ hasText: '0.85' }).waitFor();
      });

      await step(sb, 'the seller pays out what the settled order left available', async () => {
        const page = sb.page;
        await page.goto(`${server.url}/seller/balance`);
        const balances = page.getByTestId('balances');
        const available = (await seller.get('/api/v1/me/balances')).json.items.find((a) => a.kind === 'seller_available');
        assert.ok(available && available.balance > 0, 'the settled share is available');
        await page.getByRole('form', { name: 'Pay out' }).getByRole('button', { name: 'Pay out' }).click();
        await balances.locator('[data-kind="payouts"]').waitFor();
        const after = (await seller.get('/api/v1/me/balances')).json.items;
        assert.equal(after.find((a) => a.kind === 'payouts').balance, available.balance);
        assert.equal(after.find((a) => a.kind === 'seller_available').balance, 0);
      });
    } finally {
      for (const c of cleanups) await c();
      await sb.close();
      await bb.close();
    }
  });

  test('a declined test card shows a clear message and no order is paid; a retried attempt pays once; cancelling refunds', async (t) => {
    const { user: seller, product } = await apiSeller({ price: 2000, onHand: 2 });
    expectStatus(await seller.post('/api/v1/me/shop/coupons', { json: { code: 'LAMP10', kind: 'percent', value: 10 } }), 201, 'coupon');
    const buyer = await signup(server);
    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(b, 'buy now with the declining test card', async () => {
        await logIn(page, buyer);
        await page.goto(`${server.url}/product/${product.id}`);
        await page.getByTestId('product-title').filter({ hasText: 'Desk Lamp' }).waitFor();
        await page.getByRole('button', { name: 'Buy now' }).click();
        await page.waitForURL(/\/checkout\?variant=/);
        await fillAddress(page);
        await page.getByRole('radio', { name: 'Test card that is declined' }).check();
        await page.getByTestId('checkout-total').filter({ hasText: '20.00' }).waitFor();
        await page.getByRole('button', { name: /^Place order/ }).click();
        await page.getByRole('alert').filter({ hasText: 'Your card was declined' }).waitFor();
        assert.match(new URL(page.url()).pathname, /^\/checkout$/);
        const orders = await buyer.get('/api/v1/me/orders');
        assert.deepEqual(orders.json.items.map((o) => o.status), ['cancelled'], 'the declined order is cancelled, not paid');
        const stock = (await seller.get(`/api/v1/products/${product.id}`)).json.variants[0];
        assert.equal(stock.on_hand - stock.reserved, 2, 'nothing is held');
      });

      await step(b, 'with a coupon and the good card, an answer lost on the way is retried with the same key', async () => {
        await page.getByLabel('Coupon code', { exact: true }).fill('lamp10');
        await page.getByRole('button', { name: 'Apply' }).click();
        await page.getByTestId('checkout-discount').filter({ hasText: '2.00' }).waitFor();
        await page.getByTestId('checkout-total').filter({ hasText: '18.00' }).waitFor();
        await page.getByRole('radio', { name: 'Test Visa (payment succeeds)' }).check();

        // The first answer never arrives (the server did take the order).
        const keys = [];
        let lost = false;
        await page.route('**/api/v1/checkout', async (route) => {
          keys.push(route.request().headers()['idempotency-key']);
          if (lost) return route.continue();
          lost = true;
          await route.fetch();
          await route.abort('connectionreset');
        });
        await page.getByRole('button', { name: /^Place order/ }).click();
        await page.getByRole('alert').filter({ hasText: 'you will not be charged twice' }).waitFor();
        // Whatever the form says now, the retry is the same attempt: it may already have gone through.
        await page.getByRole('radio', { name: 'Test card that is declined' }).check();
        const placed = page.waitForResponse((r) => r.url().endsWith('/api/v1/checkout') && r.request().method() === 'POST');
        await page.getByRole('button', { name: /^Place order/ }).click();
        const retried = await placed;
        assert.equal(retried.status(), 201);
        assert.equal(JSON.parse(retried.request().postData()).payment_method, 'tok_visa');
        await page.getByRole('heading', { name: 'Payment confirmed' }).waitFor({ timeout: 20000 });
        await page.unroute('**/api/v1/checkout');
        assert.equal(keys.length, 2);
        assert.equal(keys[0], keys[1], 'the retry of an attempt with no answer reuses its Idempotency-Key');
        const orders = await buyer.get('/api/v1/me/orders');
        assert.deepEqual(orders.json.items.map((o) => [o.status, o.total]).sort(), [['awaiting_shipment', 1800], ['cancelled', 2000]],
          'one paid order, with the coupon, despite two requests');
      });

      await step(b, 'the buyer cancels the paid order before it ships and is refunded', async () => {
        await page.getByTestId('checkout-result').getByTestId('order-row').click();
        await page.getByTestId('order-status').filter({ hasText: 'Paid · awaiting shipment' }).waitFor();
        await page.getByRole('button', { name: 'Cancel order' }).click();
        await page.getByLabel('Reason (optional)', { exact: true }).fill('ordered the wrong lamp');
        const cancelled = page.waitForResponse((r) => r.url().endsWith('/cancel') && r.request().method() === 'POST');
        await page.getByRole('button', { name: 'Confirm cancellation' }).click();
        const res = await cancelled;
        assert.equal(res.status(), 200);
        assert.ok(res.request().headers()['idempotency-key'], 'a cancellation carries an Idempotency-Key');
        await page.getByTestId('order-status').filter({ hasText: 'Cancelled' }).waitFor();
        await page.getByText('18.00 refunded').waitFor();
        const history = await page.getByTestId('history-entry').evaluateAll((els) => els.map((e) => e.dataset.status));
        assert.deepEqual(history, ['unpaid', 'awaiting_shipment', 'cancelled']);
        const stock = (await seller.get(`/api/v1/products/${product.id}`)).json.variants[0];
        assert.equal(stock.on_hand - stock.reserved, 2, 'the lamp is back on sale');
      });
    } finally {
      await b.close();
    }
  });

  test("a creator's Showcase tab opens a product and credits the creator", async (t) => {
    const { product } = await apiSeller({ price: 4500, onHand: 3 });
    const creator = await signup(server);
    const viewer = await signup(server);
    expectStatus(await creator.post(`/api/v1/me/showcase/${product.id}`), 204, 'add to showcase');
    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(b, 'open the showcase tab and the product from it', async () => {
        await logIn(page, viewer);
        await page.goto(`${server.url}/@${creator.handle}`);
        await page.getByRole('tab', { name: 'Showcase' }).click();
        assert.equal(await page.getByRole('tab', { name: 'Showcase' }).getAttribute('aria-selected'), 'true');
        const tapped = page.waitForResponse((r) => r.url().endsWith(`/api/v1/products/${product.id}/taps`) && r.request().method() === 'POST');
        await page.getByRole('list', { name: 'Showcase' }).getByTestId('product-tile').filter({ hasText: 'Desk Lamp' }).click();
        const tap = await tapped;
        assert.equal(tap.status(), 201);
        assert.deepEqual(JSON.parse(tap.request().postData()), { source: 'showcase', creator_id: creator.id });
        await page.waitForURL(`${server.url}/product/${product.id}`);
        await page.getByTestId('product-price').filter({ hasText: '45.00' }).waitFor();
      });
    } finally {
      await b.close();
    }
  });

  test('a seller offers 10% to creators; a creator promotes the product and the sale shows on both sides', async (t) => {
    const { user: seller, product } = await apiSeller({ price: 3000, onHand: 5 });
    const creator = await signup(server);
    const buyer = await signup(server);
    const sb = await openBrowser(server, t);
    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(sb, 'the seller opens an open 10% plan in the seller center', async () => {
        await logIn(sb.page, seller);
        await sb.page.goto(`${server.url}/seller/affiliates`);
        await sb.page.getByLabel('Commission (%)', { exact: true }).fill('10');
        await sb.page.getByLabel('Products', { exact: true }).selectOption({ label: 'Desk Lamp' });
        await sb.page.getByRole('button', { name: 'Create plan' }).click();
        await sb.page.getByTestId('affiliate-plan').filter({ hasText: '10% on Desk Lamp' }).waitFor();
        const plans = await seller.get('/api/v1/me/shop/affiliate-plans');
        assert.deepEqual(plans.json.items.map((p) => [p.kind, p.rate_bps, p.product_id]), [['open', 1000, product.id]]);
      });

      await step(b, 'the creator finds the lamp at 10% and adds it to the showcase', async () => {
        await logIn(page, creator);
        await page.goto(`${server.url}/shop`);
        await page.getByRole('link', { name: 'Affiliate center' }).click();
        const row = page.getByTestId('promotable').and(page.locator(`[data-product-id="${product.id}"]`));
        await row.getByTestId('rate').filter({ hasText: '10%' }).waitFor();
        await row.getByRole('button', { name: 'Add Desk Lamp to showcase' }).click();
        await row.getByRole('button', { name: 'Desk Lamp is in your showcase' }).waitFor();
        const showcase = await buyer.get(`/api/v1/users/${creator.handle}/showcase`);
        assert.deepEqual(showcase.json.items.map((p) => p.id), [product.id]);
      });

      // A viewer opens it from the showcase and buys it (API).
      expectStatus(await buyer.post(`/api/v1/products/${product.id}/taps`, { json: { source: 'showcase', creator_id: creator.id } }), 201, 'tap');
      const placed = await buyer.post('/api/v1/checkout', {
        json: {
          items: [{ variant_id: product.variants[0].id, quantity: 1 }],
          payment_method: 'tok_visa',
          shipping_address: { name: 'Bo', line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
        },
        headers: { 'idempotency-key': `aff-${buyer.handle}` },
      });
      expectStatus(placed, 201, 'checkout');
      for (let i = 0; ; i++) {
        const c = await buyer.get(`/api/v1/checkouts/${placed.json.id}`);
        if (c.json.status === 'paid') break;
        assert.ok(i < 300, 'the payment webhook lands');
        await new Promise((r) => setTimeout(r, 50));
      }

      await step(b, "the commission shows as pending in the creator's earnings", async () => {
        await page.reload();
        const earning = page.getByTestId('earning').filter({ hasText: 'Desk Lamp' });
        await earning.filter({ hasText: '3.00' }).waitFor();
        assert.equal(await earning.getAttribute('data-status'), 'pending');
        await page.getByTestId('earnings-pending').filter({ hasText: '3.00' }).waitFor();
      });

      await step(b, 'the creator takes the lamp out of their showcase from their profile', async () => {
        await page.goto(`${server.url}/@${creator.handle}`);
        await page.getByRole('tab', { name: 'Showcase' }).click();
        const showcase = page.getByRole('list', { name: 'Showcase' });
        await showcase.getByTestId('product-tile').filter({ hasText: 'Desk Lamp' }).waitFor();
        await showcase.getByRole('button', { name: 'Remove Desk Lamp from showcase' }).click();
        await showcase.getByTestId('product-tile').waitFor({ state: 'detached' });
        assert.deepEqual((await buyer.get(`/api/v1/users/${creator.handle}/showcase`)).json.items, []);
      });

      await step(sb, "the seller's report credits the creator and the balance holds the seller's share", async () => {
        await sb.page.reload();
        const line = sb.page.getByTestId('affiliate-report-line').filter({ hasText: `@${creator.handle}` });
        await line.filter({ hasText: '3.00' }).waitFor();
        await sb.page.getByRole('link', { name: 'Balance', exact: true }).click();
        const order = (await seller.get('/api/v1/me/shop/orders')).json.items[0];
        const share = (order.seller_share / 100).toFixed(2);
        await sb.page.getByTestId('balances').locator('[data-kind="seller_pending"]').filter({ hasText: share }).waitFor();
      });
    } finally {
      await sb.close();
      await b.close();
    }
  });

  test('a flash deal made in the seller center prices the product page and the checkout', async (t) => {
    const { user: seller, product } = await apiSeller({ price: 2000, onHand: 5 });
    const buyer = await signup(server);
    const sb = await openBrowser(server, t);
    const b = await openBrowser(server, t);
    try {
      await step(sb, 'the seller starts a deal: 3 lamps at 15.00, one per buyer', async () => {
        const page = sb.page;
        await logIn(page, seller);
        await page.goto(`${server.url}/seller`);
        await page.getByRole('link', { name: 'Deals', exact: true }).click();
        await page.getByLabel('Product', { exact: true }).selectOption({ label: 'Desk Lamp' });
        await page.getByLabel('Deal price (USD)', { exact: true }).fill('15');
        await page.getByLabel('Units', { exact: true }).fill('3');
        await page.getByLabel('Per buyer', { exact: true }).fill('1');
        await page.getByRole('button', { name: 'Start deal' }).click();
        await page.getByTestId('seller-deal').filter({ hasText: '0 of 3 sold' }).waitFor();
      });

      await step(b, 'the buyer sees the deal on the product and pays the deal price', async () => {
        const page = b.page;
        await logIn(page, buyer);
        await page.goto(`${server.url}/shop`);
        await page.getByTestId('hub-deal').filter({ hasText: 'Desk Lamp' }).click();
        await page.waitForURL(`${server.url}/product/${product.id}`);
        await page.getByTestId('flash-deal').filter({ hasText: '3 left' }).waitFor();
        await page.getByTestId('product-price').filter({ hasText: '15.00' }).waitFor();
        await page.getByRole('button', { name: 'Buy now' }).click();
        await fillAddress(page);
        await page.getByTestId('checkout-total').filter({ hasText: '15.00' }).waitFor();
        await page.getByRole('button', { name: /^Place order/ }).click();
        await page.getByRole('heading', { name: 'Payment confirmed' }).waitFor({ timeout: 20000 });
        const orders = await buyer.get('/api/v1/me/orders');
        assert.deepEqual(orders.json.items.map((o) => [o.status, o.total]), [['awaiting_shipment', 1500]]);
      });

      await step(sb, "the seller's deal counts the sale", async () => {
        await sb.page.reload();
        await sb.page.getByTestId('seller-deal').filter({ hasText: '1 of 3 sold' }).waitFor();
      });
    } finally {
      await sb.close();
      await b.close();
    }
  });

  test('the seller imports a catalog file: bad rows are named and nothing is written until the file is clean', async (t) => {
    const { user: seller } = await apiSeller();
    const header = 'product_handle,title,description,category,status,option1_name,option1_value,sku,price,compare_at_price,on_hand\r\n';
    const sku = (s) => `${s}-${seller.handle}`;
    const bad = header +
      `tee,Tee,Soft cotton,Clothing,active,Size,S,${sku('T-S')},1500,,5\r\n` +
      `tee,,,,,,M,${sku('T-M')},15.00,,5\r\n`;
    const good = bad.replace('15.00', '1600');
    const b = await openBrowser(server, t);
    const { page } = b;
    try {
      await step(b, 'a file with a bad price is refused row by row', async () => {
        await logIn(page, seller);
        await page.goto(`${server.url}/seller`);
        await page.getByText('Import or export the catalog').click();
        await page.getByLabel('Import a file').setInputFiles({ name: 'catalog.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
        const problem = page.getByRole('table', { name: 'Import problems' }).getByTestId('import-error');
        await problem.first().waitFor();
        assert.deepEqual(await problem.evaluateAll((rows) => rows.map((r) => [...r.cells].slice(0, 2).map((c) => c.textContent))), [['3', 'price']]);
        assert.equal((await seller.get('/api/v1/me/shop/products')).json.items.length, 1, 'nothing was imported');
      });

      await step(b, 'the fixed file is checked, then applied', async () => {
        await page.getByLabel('Import a file').setInputFiles({ name: 'catalog.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
        await page.getByTestId('import-report').filter({ hasText: '2 rows, 1 new and 0 changed product' }).waitFor();
        assert.equal((await seller.get('/api/v1/me/shop/products')).json.items.length, 1, 'a dry run writes nothing');
        await page.getByRole('button', { name: 'Apply import' }).click();
        await page.getByTestId('import-message').filter({ hasText: 'Imported: 1 created, 0 updated.' }).waitFor();
        await page.getByTestId('seller-product').filter({ hasText: 'Tee' }).waitFor();
        const csv = await page.evaluate(async () => (await fetch('/api/v1/me/shop/products/export?format=csv')).text());
        assert.match(csv, new RegExp(`${sku('T-M')},1600`));
      });

      await step(b, 'the seller adds a picture to the imported tee and it shows on the product page', async () => {
        // A valid 1x1 PNG.
        const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
        await page.getByRole('link', { name: 'Edit Tee' }).click();
        await page.getByLabel('Add picture').setInputFiles({ name: 'tee.png', mimeType: 'image/png', buffer: png });
        await page.getByRole('region', { name: 'Pictures' }).locator('img').waitFor();
        const tee = (await seller.get('/api/v1/me/shop/products')).json.items.find((p) => p.title === 'Tee');
        assert.equal((await seller.get(`/api/v1/products/${tee.id}`)).json.images.length, 1);
        await page.getByRole('link', { name: 'View product page' }).click();
        await page.getByRole('img', { name: 'Tee, picture 1' }).waitFor();
      });
    } finally {
      await b.close();
    }
  });
});
