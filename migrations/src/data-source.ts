/**
 * Data source for the TypeORM CLI (e.g. `npx typeorm migration:show -d migrations/dist/data-source.js`).
 * The server uses the same migration list through `@drp/migrations`.
 */
import { DataSource } from 'typeorm';
import { migrations } from './index';

export default new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  migrations,
  migrationsTableName: 'typeorm_migrations',
});
