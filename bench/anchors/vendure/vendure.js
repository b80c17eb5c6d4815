// Vendure 3.7.3 as ANCHORS.md sets it up: better-sqlite3, synchronize,
// the dummy payment handler (authorize only), bearer tokens, no plugins.
//   node vendure.js seed DB_FILE PRODUCTS HOT_STOCK   populate() and exit
//   node vendure.js serve DB_FILE PORT                bootstrap() and serve
// Run from the folder Vendure is installed in (bench/anchors/vendure/run.sh
// copies it there), so that require() finds @vendure/core.
const fs = require('node:fs');
const path = require('node:path');
const { bootstrap, dummyPaymentHandler, LanguageCode } = require('@vendure/core');

const [, , command, dbFile, arg1, arg2] = process.argv;

function config(port) {
  return {
    apiOptions: { port, hostname: '127.0.0.1', adminApiPath: 'admin-api', shopApiPath: 'shop-api' },
    authOptions: {
      tokenMethod: 'bearer',
      requireVerification: false,
      superadminCredentials: { identifier: 'superadmin', password: 'superadmin' },
    },
    dbConnectionOptions: { type: 'better-sqlite3', database: dbFile, synchronize: true, logging: false },
    paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
    importExportOptions: { importAssetsDir: path.dirname(dbFile) },
    plugins: [],
  };
}

async function seed(products, hotStock) {
  const { populate } = require('@vendure/core/cli');
  const csv = path.join(path.dirname(dbFile), 'products.csv');
  const rows = ['name,slug,description,assets,facets,optionGroups,optionValues,sku,price,taxCategory,stockOnHand,trackInventory,variantAssets,variantFacets'];
  for (let i = 1; i <= products; i++) {
    rows.push(`Product ${i},product-${i},A product,,,,,sku-${i},${(5 + i / 10).toFixed(2)},standard,100000,true,,`);
  }
  rows.push(`Hot product,hot,The hot one,,,,,hot-1,19.99,standard,${hotStock},true,,`);
  fs.writeFileSync(csv, rows.join('\n') + '\n');
  const initialData = {
    defaultLanguage: LanguageCode.en,
    defaultZone: 'Americas',
    countries: [{ name: 'United States of America', code: 'US', zone: 'Americas' }],
    taxRates: [{ name: 'Standard Tax', percentage: 0 }],
    shippingMethods: [{ name: 'Standard Shipping', price: 0 }],
    paymentMethods: [{
      name: 'Standard Payment',
      handler: { code: dummyPaymentHandler.code, arguments: [{ name: 'automaticSettle', value: 'false' }] },
    }],
    collections: [],
  };
  const app = await populate(() => bootstrap(config(0)), initialData, csv);
  await app.close();
}

if (command === 'seed') {
  seed(Number(arg1), Number(arg2)).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
} else if (command === 'serve') {
  bootstrap(config(Number(arg1))).catch((e) => { console.error(e); process.exit(1); });
} else {
  console.error('usage: node vendure.js seed DB PRODUCTS HOT_STOCK | serve DB PORT');
  process.exit(2);
}
