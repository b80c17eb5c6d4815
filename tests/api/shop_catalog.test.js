// Shops and catalogs, black-box: opening a shop (one per account), reading
// it by id or handle, changes by the owner only, the logo; products with
// options and variants, drafts hidden from others, validation that changes
// nothing; bulk import/export; browse and search; product links on videos,
// showcases and taps. Runs on SQLite, or PostgreSQL with RIFF_TEST_DB=postgres.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { collectPages, expectStatus, get, signup, uniqueHandle } from '../lib/http.js';
import { assertProblem } from '../lib/problem.js';
import { cleanupAll, startRiffd } from '../lib/riffd.js';
import { publish, smallClip } from '../lib/videos.js';
import fs from 'node:fs';

let server;
before(async () => {
  server = await startRiffd();
});
after(cleanupAll);

// A valid 1x1 PNG.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

const shopHandle = () => uniqueHandle('s').replace(/_/g, '-');

/// A new user with an open shop; returns {user, shop}.
async function seller(fields = {}) {
  const user = await signup(server);
  const res = await user.post('/api/v1/me/shop', {
    json: { name: 'Shop of ' + user.handle, handle: shopHandle(), currency: 'USD', ...fields },
  });
  expectStatus(res, 201, 'open shop');
  return { user, shop: res.json };
}

describe('shops', () => {
  test('a user opens one shop, readable by id and handle; a second is refused', async () => {
    const { user, shop } = await seller({
      description: 'Shirts',
      policies: '30-day returns',
      return_address: { name: 'Returns', line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'us' },
    });
    assert.equal(shop.currency, 'USD');
    assert.equal(shop.status, 'active');
    assert.equal(shop.return_address.country, 'US');
    assert.equal(shop.owner.id, user.id);
    for (const ref of [shop.id, shop.handle, shop.handle.toUpperCase()]) {
      const r = await get(server, `/api/v1/shops/${ref}`);
      expectStatus(r, 200, `shop by ${ref}`);
      assert.equal(r.json.id, shop.id);
    }
    expectStatus(await user.get('/api/v1/me/shop'), 200);
    assertProblem(await user.post('/api/v1/me/shop', { json: { name: 'Two', handle: shopHandle(), currency: 'USD' } }), 409, 'conflict');
  });

  test('bad fields are each named and create nothing; a taken handle is a 409', async () => {
    const u = await signup(server);
    const bad = await u.post('/api/v1/me/shop', { json: { name: '', handle: '-X-', currency: 'XXX' } });
    assertProblem(bad, 400, 'validation', { pointer: '/handle' });
    const pointers = bad.json.errors.map((e) => e.pointer);
    assert.ok(pointers.includes('/currency') && pointers.includes('/name'), JSON.stringify(pointers));
    assertProblem(await u.get('/api/v1/me/shop'), 404, 'not-found');
    const { shop } = await seller();
    assertProblem(await u.post('/api/v1/me/shop', { json: { name: 'X', handle: shop.handle, currency: 'EUR' } }), 409, 'conflict', { pointer: '/handle' });
  });

  test('only the owner changes a shop; a closed shop is hidden from others', async () => {
    const { user, shop } = await seller();
    const other = await signup(server);
    assertProblem(await other.patch(`/api/v1/shops/${shop.id}`, { json: { name: 'Mine now' } }), 403, 'forbidden');
    const renamed = await user.patch(`/api/v1/shops/${shop.handle}`, { json: { name: 'Renamed', currency: 'EUR' } });
    expectStatus(renamed, 200);
    assert.equal(renamed.json.name, 'Renamed');
    assert.equal(renamed.json.currency, 'EUR');
    expectStatus(await user.patch(`/api/v1/shops/${shop.id}`, { json: { status: 'closed' } }), 200);
    assertProblem(await get(server, `/api/v1/shops/${shop.id}`), 404, 'not-found');
    expectStatus(await user.get(`/api/v1/shops/${shop.id}`), 200);
  });

  test('the logo is uploaded as image bytes and served under /media/shop/', async () => {
    const { user } = await seller();
    assertProblem(await user.put('/api/v1/me/shop/logo', { body: Buffer.from('not a png'), headers: { 'content-type': 'image/png' } }), 415, 'unsupported-media-type');
    const res = await user.put('/api/v1/me/shop/logo', { body: png, headers: { 'content-type': 'image/png' } });
    expectStatus(res, 200);
    assert.match(res.json.logo_url, /^\/media\/shop\//);
    const img = await get(server, res.json.logo_url);
    expectStatus(img, 200);
  });
});

/// A product body: Size S/M x Colour red/blue, 4 variants.
function shirtBody(prefix, extra = {}) {
  const variants = [];
  for (const size of ['S', 'M']) {
    for (const colour of ['red', 'blue']) {
      variants.push({ sku: `${prefix}-${size}-${colour}`, options: [size, colour], price: 2500, on_hand: 3 });
    }
  }
  return {
    title: `${prefix} shirt`,
    category: 'Clothing > Tops',
    options: [{ name: 'Size', values: ['S', 'M'] }, { name: 'Colour', values: ['red', 'blue'] }],
    variants,
    ...extra,
  };
}

async function createProduct(user, body) {
  const res = await user.post('/api/v1/me/shop/products', { json: body });
  expectStatus(res, 201, 'create product');
  return res.json;
}

describe('products', () => {
  test('a draft is the owner\'s alone; published, others see variants and availability but not stock counts', async () => {
    const { user, shop } = await seller();
    const other = await signup(server);
    const p = await createProduct(user, shirtBody('draft1'));
    assert.equal(p.status, 'draft');
    assert.equal(p.variants.length, 4);
    assert.equal(p.variants[0].on_hand, 3);
    assert.equal(p.currency, 'USD');
    assertProblem(await other.get(`/api/v1/products/${p.id}`), 404, 'not-found');
    assertProblem(await get(server, `/api/v1/products/${p.id}`), 404, 'not-found');
    assert.equal((await get(server, `/api/v1/shops/${shop.handle}/products`)).json.items.length, 0);
    assert.equal((await user.get('/api/v1/me/shop/products')).json.items.length, 1);

    expectStatus(await user.patch(`/api/v1/products/${p.id}`, { json: { status: 'active' } }), 200);
    const seen = await other.get(`/api/v1/products/${p.id}`);
    expectStatus(seen, 200);
    assert.equal(seen.json.variants[0].available, 3);
    assert.equal(seen.json.variants[0].on_hand, undefined, 'stock counts are the owner\'s');
    assert.equal((await get(server, `/api/v1/shops/${shop.handle}/products`)).json.items.length, 1);
  });

  test('others cannot edit a product, and their attempt changes nothing', async () => {
    const { user } = await seller();
    const other = await signup(server);
    const p = await createProduct(user, shirtBody('own1', { status: 'active' }));
    assertProblem(await other.patch(`/api/v1/products/${p.id}`, { json: { title: 'Stolen' } }), 403, 'forbidden');
    assertProblem(await other.post(`/api/v1/products/${p.id}/images`, { body: png, headers: { 'content-type': 'image/png' } }), 403, 'forbidden');
    assert.equal((await get(server, `/api/v1/products/${p.id}`)).json.title, 'own1 shirt');
  });

  test('bad products are refused field by field and create nothing', async () => {
    const { user } = await seller();
    const body = shirtBody('bad1');
    body.variants[0].price = 0;
    body.variants[1].sku = body.variants[2].sku;
    body.variants[3].options = ['XL', 'red'];
    const res = await user.post('/api/v1/me/shop/products', { json: body });
    const problem = assertProblem(res, 400, 'validation', { pointer: '/variants/0/price' });
    const pointers = problem.errors.map((e) => e.pointer);
    assert.ok(pointers.includes('/variants/2/sku'), JSON.stringify(pointers));
    assert.ok(pointers.includes('/variants/3/options/0'), JSON.stringify(pointers));
    assert.equal((await user.get('/api/v1/me/shop/products')).json.items.length, 0);

    await createProduct(user, shirtBody('dup1'));
    const clash = await user.post('/api/v1/me/shop/products', { json: shirtBody('dup1', { title: 'Another' }) });
    assertProblem(clash, 409, 'conflict', { pointer: '/variants/0/sku' });
    assert.equal((await user.get('/api/v1/me/shop/products')).json.items.length, 1);
  });

  test('images are uploaded, ordered and removed by the owner', async () => {
    const { user } = await seller();
    const p = await createProduct(user, shirtBody('img1', { status: 'active' }));
    const first = await user.post(`/api/v1/products/${p.id}/images`, { body: png, headers: { 'content-type': 'image/png' } });
    expectStatus(first, 201);
    const second = await user.post(`/api/v1/products/${p.id}/images`, { body: png, headers: { 'content-type': 'image/png' } });
    const ids = second.json.images.map((i) => i.id);
    assert.equal(ids.length, 2);
    const reordered = await user.patch(`/api/v1/products/${p.id}`, { json: { image_ids: [ids[1], ids[0]] } });
    expectStatus(reordered, 200);
    assert.deepEqual(reordered.json.images.map((i) => i.id), [ids[1], ids[0]]);
    assert.equal(reordered.json.image_url, reordered.json.images[0].url);
    expectStatus(await get(server, reordered.json.image_url), 200);
    assertProblem(await user.patch(`/api/v1/products/${p.id}`, { json: { image_ids: [ids[0]] } }), 400, 'validation', { pointer: '/image_ids' });
    const removed = await user.del(`/api/v1/products/${p.id}/images/${ids[0]}`);
    expectStatus(removed, 200);
    assert.deepEqual(removed.json.images.map((i) => i.id), [ids[1]]);
  });
});

const csvHeader = 'product_handle,title,description,category,status,option1_name,option1_value,sku,price,compare_at_price,on_hand\r\n';

describe('bulk import and export', () => {
  test('bad rows are reported by row and column and nothing is half-applied', async () => {
    const { user } = await seller();
    const csv = csvHeader +
      'tee,Tee,"Soft, ""combed""\ncotton",Clothing,active,Size,S,T-S,1500,,5\r\n' +
      'tee,,,,,,M,T-M,15.00,,5\r\n' +
      'mug,Mug,,Home,active,,,MUG-1,900,800,2\r\n';
    const res = await user.post('/api/v1/me/shop/products/import', { body: csv, headers: { 'content-type': 'text/csv' } });
    assert.equal(res.status, 422, res.text);
    assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
    assert.equal(res.json.type, '/problems/import-rejected');
    assert.equal(res.json.applied, false);
    const errs = res.json.errors.map((e) => `${e.row}:${e.field}`).sort();
    assert.deepEqual(errs, ['3:price', '4:compare_at_price']);
    assert.equal((await user.get('/api/v1/me/shop/products')).json.items.length, 0, 'the valid rows were not applied');
  });

  test('a dry run applies nothing; import then export round-trips in CSV and JSON', async () => {
    const { user } = await seller();
    const csv = csvHeader +
      'tee,Tee,"Soft, ""combed""\ncotton",Clothing > Tops,active,Size,S,T-S,1500,2000,5\r\n' +
      'tee,,,,,,M,T-M,1600,,0\r\n' +
      'mug,Mug,,Home,draft,,,MUG-1,900,,2\r\n';
    const dry = await user.post('/api/v1/me/shop/products/import?dry_run=true', { body: csv, headers: { 'content-type': 'text/csv' } });
    expectStatus(dry, 200);
    assert.equal(dry.json.applied, false);
    assert.equal(dry.json.products_created, 2);
    assert.equal((await user.get('/api/v1/me/shop/products')).json.items.length, 0);

    const real = await user.post('/api/v1/me/shop/products/import', { body: csv, headers: { 'content-type': 'text/csv' } });
    expectStatus(real, 200);
    assert.equal(real.json.applied, true);
    const listed = (await user.get('/api/v1/me/shop/products')).json.items;
    assert.equal(listed.length, 2);
    const tee = (await user.get(`/api/v1/products/${listed.find((p) => p.handle === 'tee').id}`)).json;
    assert.equal(tee.description, 'Soft, "combed"\ncotton');
    assert.deepEqual(tee.variants.map((v) => [v.sku, v.price, v.on_hand]), [['T-S', 1500, 5], ['T-M', 1600, 0]]);

    for (const format of ['csv', 'json']) {
      const exported = await user.get(`/api/v1/me/shop/products/export?format=${format}`);
      expectStatus(exported, 200);
      const again = await user.post(`/api/v1/me/shop/products/import?format=${format}`, { body: exported.text });
      expectStatus(again, 200, `re-import ${format}`);
      assert.equal(again.json.products_updated, 2);
      assert.equal(again.json.products_created, 0);
      const reexported = await user.get(`/api/v1/me/shop/products/export?format=${format}`);
      assert.equal(reexported.text, exported.text, `${format} export is stable through import`);
    }
  });
});

describe('browse and search', () => {
  test('finds active products by words, category, shop and price order; drafts never show', async () => {
    const { user, shop } = await seller();
    const word = `zq${Math.random().toString(36).slice(2, 8)}`;
    const cheap = await createProduct(user, { ...shirtBody(`${word}a`, { status: 'active' }), title: `${word} linen shirt`, variants: [{ sku: `${word}-1`, price: 900, on_hand: 1 }], options: [] });
    const dear = await createProduct(user, { ...shirtBody(`${word}b`, { status: 'active' }), title: `${word} silk shirt`, category: 'Clothing > Tops > Silk', variants: [{ sku: `${word}-2`, price: 9000, on_hand: 1 }], options: [] });
    await createProduct(user, { ...shirtBody(`${word}c`), title: `${word} draft shirt`, variants: [{ sku: `${word}-3`, price: 100, on_hand: 1 }], options: [] });
    await createProduct(user, { title: `${word} mug`, category: 'Home', status: 'active', variants: [{ sku: `${word}-4`, price: 500 }] });

    const byWord = await get(server, `/api/v1/products?q=${word}%20shi&sort=price_asc`);
    expectStatus(byWord, 200);
    assert.deepEqual(byWord.json.items.map((p) => p.id), [cheap.id, dear.id]);
    const desc = await get(server, `/api/v1/products?q=${word}&category=Clothing&sort=price_desc`);
    assert.deepEqual(desc.json.items.map((p) => p.id), [dear.id, cheap.id]);
    const silk = await get(server, `/api/v1/products?q=${word}&category=${encodeURIComponent('Clothing > Tops > Silk')}`);
    assert.deepEqual(silk.json.items.map((p) => p.id), [dear.id]);
    const inShop = await collectPages((q) => get(server, `/api/v1/products${q}&shop=${shop.handle}`), { limit: 1 });
    assert.equal(inShop.items.length, 3, 'three active products, one per page');
    assertProblem(await get(server, '/api/v1/products?sort=cheapest'), 400, 'validation');
  });
});

describe('product links, showcase and taps', () => {
  test('the author links active products; feeds carry the card; taps name the creator', async () => {
    const { user: brand } = await seller();
    const creator = await signup(server);
    const viewer = await signup(server);
    const product = await createProduct(brand, shirtBody('link1', { status: 'active' }));
    const draft = await createProduct(brand, shirtBody('link2'));
    const video = await publish(creator, fs.readFileSync(smallClip()), { caption: 'wearing it' });
    assert.equal(video.status, 'ready');
    assert.deepEqual(video.products, []);

    assertProblem(await viewer.post(`/api/v1/videos/${video.id}/products`, { json: { product_id: product.id } }), 403, 'forbidden');
    assertProblem(await creator.post(`/api/v1/videos/${video.id}/products`, { json: { product_id: draft.id } }), 404, 'not-found');
    const linked = await creator.post(`/api/v1/videos/${video.id}/products`, { json: { product_id: product.id } });
    expectStatus(linked, 200);
    assert.deepEqual(linked.json.items.map((c) => [c.id, c.price, c.currency]), [[product.id, 2500, 'USD']]);

    const card = (await viewer.get(`/api/v1/videos/${video.id}`)).json.products;
    assert.deepEqual(card.map((c) => c.id), [product.id]);
    assert.equal(card[0].title, 'link1 shirt');
    expectStatus(await viewer.follow(creator), 200);
    const feed = await viewer.get('/api/v1/feed/following');
    expectStatus(feed, 200);
    assert.deepEqual(feed.json.items.find((v) => v.id === video.id).products.map((c) => c.id), [product.id]);

    // A tap from the video credits its author, whatever the client claims.
    assertProblem(await viewer.post(`/api/v1/products/${product.id}/taps`, { json: { source: 'video', video_id: video.id, creator_id: viewer.id } }), 400, 'validation', { pointer: '/creator_id' });
    const tap = await viewer.post(`/api/v1/products/${product.id}/taps`, { json: { source: 'video', video_id: video.id } });
    expectStatus(tap, 201);
    assert.equal(tap.json.creator_id, creator.id);

    expectStatus(await creator.del(`/api/v1/videos/${video.id}/products/${product.id}`), 200);
    assert.deepEqual((await viewer.get(`/api/v1/videos/${video.id}`)).json.products, []);
  });

  test('a showcase lists active products; showcase taps need the product in it', async () => {
    const { user: brand } = await seller();
    const creator = await signup(server);
    const viewer = await signup(server);
    const a = await createProduct(brand, shirtBody('show1', { status: 'active' }));
    const b = await createProduct(brand, shirtBody('show2', { status: 'active' }));
    assertProblem(await viewer.post(`/api/v1/products/${a.id}/taps`, { json: { source: 'showcase', creator_id: creator.id } }), 400, 'validation', { pointer: '/creator_id' });
    expectStatus(await creator.post(`/api/v1/me/showcase/${a.id}`), 204);
    expectStatus(await creator.post(`/api/v1/me/showcase/${b.id}`), 204);
    expectStatus(await creator.post(`/api/v1/me/showcase/${b.id}`), 204);
    const pages = await collectPages((q) => get(server, `/api/v1/users/${creator.handle}/showcase${q}`), { limit: 1 });
    assert.deepEqual(pages.items.map((p) => p.id).sort(), [a.id, b.id].sort());
    expectStatus(await viewer.post(`/api/v1/products/${a.id}/taps`, { json: { source: 'showcase', creator_id: creator.id } }), 201);

    // Archiving hides it from the showcase.
    expectStatus(await brand.patch(`/api/v1/products/${b.id}`, { json: { status: 'archived' } }), 200);
    assert.deepEqual((await get(server, `/api/v1/users/${creator.handle}/showcase`)).json.items.map((p) => p.id), [a.id]);
    expectStatus(await creator.del(`/api/v1/me/showcase/${a.id}`), 204);
    assertProblem(await creator.del(`/api/v1/me/showcase/${a.id}`), 404, 'not-found');
  });
});

describe('stock', () => {
  test('a product edit that leaves stock out keeps it; stock changes are deltas on the seller\'s own variants', async () => {
    const { user } = await seller();
    const p = await createProduct(user, { title: 'Mug', status: 'active', variants: [{ sku: 'stock-mug', price: 900, on_hand: 7 }] });
    const variant = p.variants[0].id;
    // An edit without on_hand (a form opened before sales) keeps the stored stock.
    const edited = await user.patch(`/api/v1/products/${p.id}`, { json: { variants: [{ sku: 'stock-mug', price: 1000 }] } });
    expectStatus(edited, 200, 'edit');
    assert.equal(edited.json.variants[0].price, 1000);
    assert.equal(edited.json.variants[0].on_hand, 7);
    const more = await user.post(`/api/v1/me/shop/variants/${variant}/stock`, { json: { delta: 5 } });
    expectStatus(more, 200, 'receive stock');
    assert.equal(more.json.on_hand, 12);
    const less = await user.post(`/api/v1/me/shop/variants/${variant}/stock`, { json: { delta: -2 } });
    assert.equal(less.json.on_hand, 10);
    assertProblem(await user.post(`/api/v1/me/shop/variants/${variant}/stock`, { json: { delta: -11 } }), 409, 'conflict');
    assertProblem(await user.post(`/api/v1/me/shop/variants/${variant}/stock`, { json: { delta: 0 } }), 400, 'validation');
    const other = await signup(server);
    assertProblem(await other.post(`/api/v1/me/shop/variants/${variant}/stock`, { json: { delta: 100 } }), 404, 'not-found');
  });
});
