import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';
import { productPicture, SHAPE_OF_CATEGORY } from './product-pictures';

/**
 * Demo product pictures: the products of the first two kinds of each demo category (清泉天然矿泉水,
 * 清泉纯净水, 极冰可乐, …, about 90 products) get a picture drawn for their kind
 * (product-pictures.ts), attached the way an upload is (a `product_image` row and a file in the
 * uploads folder, served by /api/files). No network, no image files in the repository.
 *
 * The file's key is derived from the product code, so a start on another data folder (a restored
 * database, a test server) can draw the missing files again: `restoreDemoPictures`.
 */
const KINDS_PER_CATEGORY = 2;
const FILE_PREFIX = 'demo-';

/** The storage key of a demo product's picture: a uuid-shaped hash of its code (StorageService's key format). */
export function demoPictureKey(productCode: string): string {
  const h = createHash('sha1').update(`drp-demo-picture:${productCode}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}.png`;
}

/** What a product is, without brand and spec: 清泉天然矿泉水 550ml (brand 清泉) -> 天然矿泉水. */
function kindOf(name: string, brand: string | null): string {
  const bare = name.split(' ')[0];
  return brand && bare.startsWith(brand) ? bare.slice(brand.length) : bare;
}

interface PictureRow {
  id: string;
  code: string;
  name: string;
  brand: string | null;
  category: string;
}

/** Draws each kind once; the same kind shares the picture (each product still has its own file). */
function painter() {
  const drawn = new Map<string, Buffer>();
  return (p: PictureRow): Buffer | null => {
    const shape = SHAPE_OF_CATEGORY[p.category];
    if (!shape) return null;
    const seed = `${p.category}:${kindOf(p.name, p.brand)}`;
    let png = drawn.get(seed);
    if (!png) drawn.set(seed, (png = productPicture(shape, seed)));
    return png;
  };
}

async function demoProducts(db: DbService, tx: RequestContext): Promise<PictureRow[]> {
  return db.rows(
    tx,
    db.k
      .selectFrom('product as p')
      .innerJoin('category as c', 'c.id', 'p.category_id')
      .select(['p.id', 'p.code', 'p.name', 'p.brand', 'c.code as category'])
      .where('c.code', 'in', Object.keys(SHAPE_OF_CATEGORY))
      .orderBy('p.code'),
  );
}

/** Seeds the pictures of the demo catalog (after seedCatalogDemo, in the same transaction). */
export async function seedProductImagesDemo(db: DbService, tx: RequestContext, uploadsDir: string): Promise<number> {
  const rows = await demoProducts(db, tx);
  // the first kinds of each category, in product-code order
  const kinds = new Map<string, string[]>();
  const chosen = rows.filter((p) => {
    const list = kinds.get(p.category) ?? [];
    const kind = kindOf(p.name, p.brand);
    if (!list.includes(kind) && list.length < KINDS_PER_CATEGORY) list.push(kind);
    kinds.set(p.category, list);
    return list.includes(kind);
  });
  const paint = painter();
  fs.mkdirSync(uploadsDir, { recursive: true });
  const values = [];
  for (const p of chosen) {
    const png = paint(p);
    if (!png) continue;
    const key = demoPictureKey(p.code);
    fs.writeFileSync(path.join(uploadsDir, key), png);
    values.push({ product_id: p.id, storage_key: key, file_name: `${FILE_PREFIX}${p.code}.png`, content_type: 'image/png', size_bytes: png.length, sort_order: 0 });
  }
  if (values.length) await db.rows(tx, db.k.insertInto('product_image').values(values));
  return values.length;
}

/**
 * At start with demo data on: draws again the demo pictures whose file is not in this uploads
 * folder (the database was seeded with another one). Other images are left alone.
 */
export async function restoreDemoPictures(db: DbService, tx: RequestContext, uploadsDir: string): Promise<number> {
  const rows = await db.rows(
    tx,
    db.k
      .selectFrom('product_image as i')
      .innerJoin('product as p', 'p.id', 'i.product_id')
      .innerJoin('category as c', 'c.id', 'p.category_id')
      .select(['p.id', 'p.code', 'p.name', 'p.brand', 'c.code as category', 'i.storage_key'])
      .where('i.file_name', 'like', `${FILE_PREFIX}%`),
  );
  const missing = rows.filter((r) => r.storage_key === demoPictureKey(r.code) && !fs.existsSync(path.join(uploadsDir, r.storage_key)));
  if (!missing.length) return 0;
  const paint = painter();
  fs.mkdirSync(uploadsDir, { recursive: true });
  let written = 0;
  for (const r of missing) {
    const png = paint(r);
    if (!png) continue;
    fs.writeFileSync(path.join(uploadsDir, r.storage_key), png);
    written++;
  }
  return written;
}
