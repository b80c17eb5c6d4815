// Bulk import and export of the catalog, one row per variant (CSV or JSON).
// An import is checked first (a dry run): every bad row is listed by row and
// column and nothing is written; only a clean file can be applied, all at once.
import { useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../../api';
import { shopApi, type ImportReport } from '../api';

interface RowError {
  row: string;
  field: string;
  detail: string;
}

function rowErrors(e: unknown): RowError[] {
  if (!(e instanceof ApiError)) return [];
  return e.errors.map((f) => {
    const [, row = '', field = ''] = /^\/rows\/(\d+)\/?(.*)$/.exec(f.pointer) ?? [];
    return { row, field, detail: f.detail };
  });
}

export function ImportExport({ onImported }: { onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [errors, setErrors] = useState<RowError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formatOf = (f: File): 'csv' | 'json' => (/\.json$/i.test(f.name) || f.type === 'application/json' ? 'json' : 'csv');

  const check = async (f: File) => {
    setFile(f);
    setReport(null);
    setErrors([]);
    setMessage(null);
    setBusy(true);
    try {
      setReport(await shopApi.importProducts(f, formatOf(f), true));
    } catch (e) {
      const rows = rowErrors(e);
      setErrors(rows);
      setMessage(rows.length ? `Nothing was imported: ${rows.length} ${rows.length === 1 ? 'problem' : 'problems'} to fix.` : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const r = await shopApi.importProducts(file, formatOf(file), false);
      setReport(null);
      setFile(null);
      setMessage(`Imported: ${r.products_created} created, ${r.products_updated} updated.`);
      onImported();
    } catch (e) {
      setErrors(rowErrors(e));
      setMessage(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="card import-export">
      <summary>Import or export the catalog</summary>
      <p class="muted-inline">
        One row per variant: product_handle, title, description, category, status, option1_name, option1_value, … sku, price
        (minor units), compare_at_price, weight_grams, on_hand.
      </p>
      <div class="buy-actions">
        <a class="btn btn-secondary btn-small" href="/api/v1/me/shop/products/export?format=csv" download="products.csv">
          Export CSV
        </a>
        <a class="btn btn-secondary btn-small" href="/api/v1/me/shop/products/export?format=json" download="products.json">
          Export JSON
        </a>
        <label class="btn btn-secondary btn-small" for="import-file">
          {busy ? 'Checking…' : 'Import a file'}
        </label>
        <input
          id="import-file"
          class="visually-hidden"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          disabled={busy}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (f) void check(f);
          }}
        />
      </div>
      {report && (
        <div class="import-report" role="status" data-testid="import-report">
          <p>
            {file?.name}: {report.rows} {report.rows === 1 ? 'row' : 'rows'}, {report.products_created} new and {report.products_updated}{' '}
            changed {report.products_created + report.products_updated === 1 ? 'product' : 'products'}.
          </p>
          <button type="button" class="btn btn-primary btn-small" disabled={busy} onClick={apply}>
            Apply import
          </button>
        </div>
      )}
      {message && (
        <p class={errors.length ? 'form-error' : 'muted'} role={errors.length ? 'alert' : 'status'} data-testid="import-message">
          {message}
        </p>
      )}
      {errors.length > 0 && (
        <table class="import-errors" aria-label="Import problems">
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Column</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((r, i) => (
              <tr key={i} data-testid="import-error">
                <td>{r.row}</td>
                <td>{r.field}</td>
                <td>{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
