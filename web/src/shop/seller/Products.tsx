// The seller's products: the list, and one form to create or edit a product
// with its options, variants, prices and stock, and its pictures.
import { useState } from 'preact/hooks';
import { ApiError, errorMessage, type UserMe } from '../../api';
import { Field, FormError } from '../../components/Field';
import { LoadMore } from '../../components/LoadMore';
import { PageHeader } from '../../components/PageHeader';
import { useLoad } from '../../music/useLoad';
import { Link, navigate } from '../../router';
import { toast } from '../../toast';
import { usePaged } from '../../usePaged';
import { useTitle } from '../../util';
import { shopApi, shopPaths, type Product, type ProductStatus, type ProductSummary, type Shop } from '../api';
import { LoadError, ProductImage, Spinner } from '../common';
import { formatPriceRange, minorToInput, parseMoney } from '../money';
import { ImportExport } from './Import';

export function ProductsTab({ shop }: { shop: Shop }) {
  const list = usePaged<ProductSummary>(`my-products:${shop.id}`, (p) => shopApi.myProducts(p), { limit: 30 });
  return (
    <section class="seller-section" aria-label="Products">
      <div class="entity-actions">
        <Link href={shopPaths.newProduct} class="btn btn-primary btn-small">
          New product
        </Link>
      </div>
      <ImportExport onImported={list.reload} />
      {list.loaded && !list.error && list.items.length === 0 && <p class="muted center-pad">No products yet.</p>}
      <ul class="seller-list" aria-label="Your products">
        {list.items.map((p) => (
          <li key={p.id} class="seller-row" data-testid="seller-product" data-product-id={p.id}>
            <ProductImage url={p.image_url} size={48} />
            <Link href={shopPaths.editProduct(p.id)} class="seller-row-main" aria-label={`Edit ${p.title}`}>
              <span class="strong">{p.title}</span>
              <span class="muted-inline">
                {formatPriceRange(p.price_min, p.price_max, p.currency)} · {p.in_stock ? 'in stock' : 'out of stock'}
              </span>
            </Link>
            <span class={`chip-small status-${p.status}`}>{p.status}</span>
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </section>
  );
}

interface Row {
  key: number;
  sku: string;
  options: string[];
  price: string;
  stock: string;
  /** Units held by unpaid orders (stored variants only). */
  reserved?: number;
  /** on_hand when the form was loaded (stored variants only). */
  loadedStock?: number;
}

let nextRowKey = 1;

function rowsOf(p: Product): Row[] {
  return p.variants.map((v) => ({
    key: nextRowKey++,
    sku: v.sku,
    options: [...v.options],
    price: minorToInput(v.price, p.currency),
    stock: String(v.on_hand ?? v.available),
    reserved: v.reserved,
    loadedStock: v.on_hand,
  }));
}

function ProductForm({ shop, product, onSaved }: { shop: Shop; product: Product | null; onSaved: (p: Product) => void }) {
  const [title, setTitle] = useState(product?.title ?? '');
  const [description, setDescription] = useState(product?.description ?? '');
  const [category, setCategory] = useState(product?.category ?? '');
  const [status, setStatus] = useState<ProductStatus>(product?.status ?? 'active');
  const [optionNames, setOptionNames] = useState<string[]>(product ? product.options.map((o) => o.name) : []);
  const [rows, setRows] = useState<Row[]>(() =>
    product ? rowsOf(product) : [{ key: nextRowKey++, sku: '', options: [], price: '', stock: '0' }],
  );
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const cur = shop.currency;

  const setRow = (key: number, patch: Partial<Row>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const addOption = () => {
    setOptionNames([...optionNames, '']);
    setRows(rows.map((r) => ({ ...r, options: [...r.options, ''] })));
  };
  const removeOption = (i: number) => {
    setOptionNames(optionNames.filter((_, j) => j !== i));
    setRows(rows.map((r) => ({ ...r, options: r.options.filter((_, j) => j !== i) })));
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    const local: Record<string, string> = {};
    const variants = rows.map((r, i) => {
      const price = parseMoney(r.price, cur);
      if (price === null || price <= 0) local[`variants/${i}/price`] = `Enter a price in ${cur}, like ${minorToInput(1250, cur)}`;
      const stock = Number(r.stock);
      if (!/^\d+$/.test(r.stock.trim())) local[`variants/${i}/on_hand`] = 'Enter a whole number';
      return { sku: r.sku.trim(), price: price ?? 0, on_hand: stock, options: optionNames.length ? r.options.map((o) => o.trim()) : undefined };
    });
    if (Object.keys(local).length) {
      setErrors(local);
      setError('Check the highlighted fields.');
      return;
    }
    const options = optionNames.map((name, i) => ({
      name: name.trim(),
      values: [...new Set(rows.map((r) => r.options[i]?.trim() ?? ''))],
    }));
    const body = { title: title.trim(), description, category: category.trim(), status, options, variants };
    setBusy(true);
    try {
      if (product) {
        // A PATCH sets on_hand outright. Units sold while this form was open
        // must stay sold, so the seller's change applies as a difference to
        // the stock as it is now, not to what the form loaded.
        const now = await shopApi.product(product.id);
        body.variants = body.variants.map((v, i) => {
          const loaded = rows[i]!.loadedStock;
          const current = now.variants.find((x) => x.sku === v.sku)?.on_hand;
          if (loaded === undefined || current === undefined) return v;
          return { ...v, on_hand: Math.max(0, current + (v.on_hand - loaded)) };
        });
      }
      const saved = product ? await shopApi.updateProduct(product.id, body) : await shopApi.createProduct(body);
      toast(product ? 'Product saved' : 'Product created');
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) {
        const byPointer: Record<string, string> = {};
        for (const f of err.errors) byPointer[f.pointer.replace(/^\//, '')] ??= f.detail;
        setErrors(byPointer);
      }
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const cellError = (i: number, field: string) => errors[`variants/${i}/${field}`];

  return (
    <form class="form settings" onSubmit={submit} noValidate>
      <section class="card form">
        <Field id="title" label="Title" value={title} onValue={setTitle} error={errors.title} />
        <Field id="description" label="Description" value={description} onValue={setDescription} multiline error={errors.description} />
        <Field id="category" label="Category" value={category} onValue={setCategory} hint="Like Home > Kitchen" error={errors.category} />
        <div class="field">
          <label for="product-status">Status</label>
          <select id="product-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as ProductStatus)}>
            <option value="active">Active (for sale)</option>
            <option value="draft">Draft (only you see it)</option>
            <option value="archived">Archived</option>
          </select>
        </div>
      </section>
      <section class="card form" aria-labelledby="variants-title">
        <h2 id="variants-title">Variants and stock</h2>
        {optionNames.map((name, i) => (
          <div class="form-row" key={i}>
            <div class="field grow">
              <label for={`option-${i}`}>Option {i + 1} name</label>
              <input
                id={`option-${i}`}
                value={name}
                placeholder="Size, Color, …"
                onInput={(e) => setOptionNames(optionNames.map((n, j) => (j === i ? e.currentTarget.value : n)))}
              />
            </div>
            <button type="button" class="link-button" onClick={() => removeOption(i)}>
              Remove option
            </button>
          </div>
        ))}
        {errors.options && <p class="field-error">{errors.options}</p>}
        {optionNames.length < 3 && (
          <button type="button" class="btn btn-ghost btn-small" onClick={addOption}>
            Add option
          </button>
        )}
        {rows.map((r, i) => {
          const label = `Variant ${i + 1}`;
          return (
            <fieldset class="variant-row" key={r.key} data-testid="variant-row">
              <legend>{label}</legend>
              {optionNames.map((n, j) => (
                <div class="field" key={j}>
                  <label for={`v${r.key}-opt${j}`}>{n || `Option ${j + 1}`}</label>
                  <input
                    id={`v${r.key}-opt${j}`}
                    value={r.options[j] ?? ''}
                    onInput={(e) => setRow(r.key, { options: r.options.map((o, k) => (k === j ? e.currentTarget.value : o)) })}
                  />
                </div>
              ))}
              <div class={`field${cellError(i, 'sku') ? ' field-invalid' : ''}`}>
                <label for={`v${r.key}-sku`}>SKU</label>
                <input id={`v${r.key}-sku`} value={r.sku} maxLength={64} onInput={(e) => setRow(r.key, { sku: e.currentTarget.value })} />
                {cellError(i, 'sku') && <p class="field-error">{cellError(i, 'sku')}</p>}
              </div>
              <div class={`field${cellError(i, 'price') ? ' field-invalid' : ''}`}>
                <label for={`v${r.key}-price`}>Price ({cur})</label>
                <input
                  id={`v${r.key}-price`}
                  inputMode="decimal"
                  value={r.price}
                  onInput={(e) => setRow(r.key, { price: e.currentTarget.value })}
                />
                {cellError(i, 'price') && <p class="field-error">{cellError(i, 'price')}</p>}
              </div>
              <div class={`field${cellError(i, 'on_hand') ? ' field-invalid' : ''}`}>
                <label for={`v${r.key}-stock`}>Stock on hand</label>
                <input
                  id={`v${r.key}-stock`}
                  inputMode="numeric"
                  value={r.stock}
                  onInput={(e) => setRow(r.key, { stock: e.currentTarget.value })}
                />
                {r.reserved ? <p class="field-hint">{r.reserved} held by unpaid orders</p> : null}
                {cellError(i, 'on_hand') && <p class="field-error">{cellError(i, 'on_hand')}</p>}
              </div>
              {rows.length > 1 && (
                <button type="button" class="link-button" onClick={() => setRows(rows.filter((x) => x.key !== r.key))}>
                  Remove {label.toLowerCase()}
                </button>
              )}
            </fieldset>
          );
        })}
        {errors.variants && <p class="field-error">{errors.variants}</p>}
        <button
          type="button"
          class="btn btn-ghost btn-small"
          onClick={() => setRows([...rows, { key: nextRowKey++, sku: '', options: optionNames.map(() => ''), price: '', stock: '0' }])}
        >
          Add variant
        </button>
      </section>
      <FormError message={error} />
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {product ? 'Save product' : 'Create product'}
      </button>
    </form>
  );
}

function Pictures({ product, onChange }: { product: Product; onChange: (p: Product) => void }) {
  const [busy, setBusy] = useState(false);
  const upload = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setBusy(true);
    try {
      onChange(await shopApi.addImage(product.id, file));
    } catch (e) {
      toast(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-label="Pictures">
      <h2>Pictures</h2>
      <div class="picture-row">
        {product.images.map((img) => (
          <ProductImage key={img.id} url={img.url} size={72} />
        ))}
      </div>
      <label class="btn btn-secondary btn-small" for="product-picture">
        {busy ? 'Uploading…' : 'Add picture'}
      </label>
      <input
        id="product-picture"
        class="visually-hidden"
        type="file"
        accept="image/png,image/jpeg,image/webp"
        disabled={busy}
        onChange={(e) => upload(e.currentTarget)}
      />
    </section>
  );
}

export function ProductEditor({ id, user }: { id: string | null; user: UserMe }) {
  useTitle(id ? 'Edit product' : 'New product');
  const shop = useLoad(`my-shop:${user.id}`, () => shopApi.myShop());
  const product = useLoad(`edit-product:${id ?? 'new'}`, () => (id ? shopApi.product(id) : Promise.resolve(null)));
  const loading = shop.loading || product.loading;
  return (
    <div class="shop-page">
      <PageHeader title={id ? 'Edit product' : 'New product'} back />
      {loading && !shop.data ? (
        <Spinner />
      ) : !shop.data ? (
        <LoadError error={shop.error} what="shop" retry={shop.reload} />
      ) : id && !product.data ? (
        product.loading ? <Spinner /> : <LoadError error={product.error} what="product" retry={product.reload} />
      ) : (
        <>
          <ProductForm
            key={product.data?.updated_at ?? 'new'}
            shop={shop.data}
            product={product.data}
            onSaved={(p) => (id ? product.set(p) : navigate(shopPaths.editProduct(p.id), { replace: true }))}
          />
          {product.data && (
            <div class="settings">
              <Pictures product={product.data} onChange={product.set} />
              <Link href={shopPaths.product(product.data.id)} class="btn btn-ghost">
                View product page
              </Link>
            </div>
          )}
        </>
      )}
    </div>
  );
}
