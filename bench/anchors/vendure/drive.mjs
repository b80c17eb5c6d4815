// Drives Vendure's shop API with the checkout of ANCHORS.md, six GraphQL
// calls per order, from CONNS shoppers at once for SECONDS:
//   addItemToOrder, setCustomerForOrder, setOrderShippingAddress,
//   setOrderShippingMethod, transitionOrderToState(ArrangingPayment),
//   addPaymentToOrder.
// Each checkout is a fresh guest session (bearer token from the first
// reply); guests rotate over BUYERS e-mail addresses. An order counts when
// addPaymentToOrder returns it in PaymentAuthorized.
//   node drive.mjs URL SCENARIO(many|hot) CONNS SECONDS BUYERS
// prints "vendure SCENARIO CONNS orders/s p50_ms p99_ms done failed".
const [, , url, scenario, connsArg, secondsArg, buyersArg] = process.argv;
const conns = Number(connsArg);
const seconds = Number(secondsArg);
const buyers = Number(buyersArg);

async function gql(query, variables, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await r.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { data: body.data, token: r.headers.get('vendure-auth-token') ?? token };
}

const ORDER_OR_ERROR = '... on Order { id state } ... on ErrorResult { errorCode message }';
const ADD = `mutation($v: ID!) { addItemToOrder(productVariantId: $v, quantity: 1) { ${ORDER_OR_ERROR} } }`;
const CUSTOMER = `mutation($e: String!) { setCustomerForOrder(input: {emailAddress: $e, firstName: "Bo", lastName: "Buyer"}) { ${ORDER_OR_ERROR} } }`;
const ADDRESS = `mutation { setOrderShippingAddress(input: {fullName: "Bo Buyer", streetLine1: "1 Main St", city: "Los Angeles", province: "CA", postalCode: "90001", countryCode: "US"}) { ${ORDER_OR_ERROR} } }`;
const SHIPPING = `mutation($m: [ID!]!) { setOrderShippingMethod(shippingMethodId: $m) { ${ORDER_OR_ERROR} } }`;
const ARRANGE = `mutation { transitionOrderToState(state: "ArrangingPayment") { ${ORDER_OR_ERROR} } }`;
const PAY = `mutation { addPaymentToOrder(input: {method: "standard-payment", metadata: {}}) { ${ORDER_OR_ERROR} } }`;

function check(result, field) {
  const v = result.data[field];
  if (!v || v.errorCode) throw new Error(`${field}: ${JSON.stringify(v)}`);
  return v;
}

// The variants of the scenario and the shipping method, read once.
async function setup() {
  const variants = [];
  for (let skip = 0; ; skip += 100) {
    const r = await gql(`{ products(options: {take: 100, skip: ${skip}}) { totalItems items { variants { id sku } } } }`);
    for (const p of r.data.products.items) for (const v of p.variants) variants.push(v);
    if (skip + 100 >= r.data.products.totalItems) break;
  }
  const wanted = variants.filter((v) => (scenario === 'hot' ? v.sku === 'hot-1' : v.sku.startsWith('sku-')));
  if (wanted.length === 0) throw new Error(`no variants for ${scenario}`);
  // The shipping method id, from one throw-away order.
  let t = (await gql(ADD, { v: wanted[0].id })).token;
  await gql(ADDRESS, {}, t);
  const m = await gql('{ eligibleShippingMethods { id } }', {}, t);
  return { variants: wanted.map((v) => v.id), shipping: [m.data.eligibleShippingMethods[0].id] };
}

async function checkout(variant, email, shipping) {
  let { data, token } = await gql(ADD, { v: variant });
  if (data.addItemToOrder.errorCode) throw new Error(`addItemToOrder: ${data.addItemToOrder.message}`);
  check(await gql(CUSTOMER, { e: email }, token), 'setCustomerForOrder');
  check(await gql(ADDRESS, {}, token), 'setOrderShippingAddress');
  check(await gql(SHIPPING, { m: shipping }, token), 'setOrderShippingMethod');
  check(await gql(ARRANGE, {}, token), 'transitionOrderToState');
  const paid = check(await gql(PAY, {}, token), 'addPaymentToOrder');
  return paid.state === 'PaymentAuthorized';
}

const { variants, shipping } = await setup();
const latencies = [];
let done = 0;
let failed = 0;
let n = 0;
let firstError = null;
const start = performance.now();
const end = start + seconds * 1000;
async function shopper() {
  while (performance.now() < end) {
    const i = n++;
    const t0 = performance.now();
    try {
      const ok = await checkout(variants[Math.floor(Math.random() * variants.length)],
        `buyer${i % buyers}@bench.invalid`, shipping);
      latencies.push(performance.now() - t0);
      if (ok) done++; else failed++;
    } catch (e) {
      failed++;
      firstError ??= e.message;
    }
  }
}
await Promise.all(Array.from({ length: conns }, shopper));
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : 0);
if (firstError) console.error(`vendure ${scenario} c${conns}: ${failed} failed, first: ${firstError.slice(0, 300)}`);
console.log(`vendure ${scenario} ${conns} ${(done / elapsed).toFixed(1)} ${pct(0.5).toFixed(1)} ${pct(0.99).toFixed(1)} ${done} ${failed}`);
