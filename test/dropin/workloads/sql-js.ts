// Stage: drop-in tier, workload for sql.js (SQLite, Emscripten C). Builds a database of
// generated orders and customers inside one transaction through prepared statements (the
// heap grows while SQLite allocates pages), indexes it, runs aggregate, join, window and
// text queries, exports the whole database file (several MB copied out of wasm memory),
// reopens the export in a second database and checks it answers the same.

import { Digest, SeededRandom, inputScale, runWorkload, sha256, word } from './support.js';
import { createRequire } from 'node:module';

interface Statement {
  run(values: unknown[]): void;
  free(): void;
}
interface QueryResult {
  columns: string[];
  values: unknown[][];
}
interface Database {
  run(sql: string, params?: unknown[]): void;
  exec(sql: string): QueryResult[];
  prepare(sql: string): Statement;
  export(): Uint8Array;
  close(): void;
}
interface SqlJs {
  Database: new (data?: Uint8Array) => Database;
}

const require = createRequire(import.meta.url);
const initSqlJs = require('sql.js') as () => Promise<SqlJs>;

const QUERIES = [
  'SELECT count(*), sum(quantity), round(sum(price * quantity), 2) FROM orders',
  'SELECT c.region, count(*), round(avg(o.price), 4) FROM orders o JOIN customers c ON c.id = o.customer GROUP BY c.region ORDER BY c.region',
  'SELECT customer, total FROM (SELECT customer, sum(price * quantity) AS total, rank() OVER (ORDER BY sum(price * quantity) DESC) AS r FROM orders GROUP BY customer) WHERE r <= 15 ORDER BY total DESC, customer',
  "SELECT count(*) FROM customers WHERE name LIKE '%ka%' OR name GLOB '*[0-9]*'",
  'SELECT substr(note, 1, 12), length(note), hex(substr(note, -3)) FROM orders ORDER BY length(note) DESC, id LIMIT 20',
  "SELECT strftime('%Y-%m', day, 'unixepoch'), count(*) FROM orders GROUP BY 1 ORDER BY 1",
  'SELECT group_concat(DISTINCT region) FROM (SELECT region FROM customers ORDER BY region)',
  'SELECT quantity % 7, count(*), max(price), min(price) FROM orders GROUP BY 1 ORDER BY 1',
];

await runWorkload(async () => {
  const SQL = await initSqlJs();
  const random = new SeededRandom(0x5eed_0001);
  const customers = 4_000;
  const orders = 60_000 * inputScale();
  const db = new SQL.Database();
  db.run('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT, score REAL)');
  db.run('CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, price REAL, quantity INTEGER, day INTEGER, note TEXT)');
  db.run('BEGIN');
  const addCustomer = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?)');
  for (let id = 1; id <= customers; id++) {
    addCustomer.run([id, `${word(random)} ${word(random)}${random.below(10) === 0 ? random.below(100) : ''}`, random.pick(['north', 'south', 'east', 'west', 'core']), random.below(100_000) / 100]);
  }
  addCustomer.free();
  const addOrder = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)');
  for (let id = 1; id <= orders; id++) {
    const notes: string[] = [];
    for (let k = random.below(12); k > 0; k--) notes.push(word(random));
    addOrder.run([id, 1 + random.below(customers), random.below(1_000_000) / 100, 1 + random.below(40), 1_600_000_000 + random.below(100_000_000), notes.join(' ')]);
  }
  addOrder.free();
  db.run('COMMIT');
  db.run('CREATE INDEX orders_customer ON orders (customer)');
  db.run('CREATE INDEX customers_region ON customers (region, name)');

  const answers = new Digest();
  for (const query of QUERIES) answers.addJson(db.exec(query));
  const file = db.export();
  db.close();

  const reopened = new SQL.Database(file);
  const again = new Digest();
  for (const query of QUERIES) again.addJson(reopened.exec(query));
  reopened.run('DELETE FROM orders WHERE quantity > 30');
  reopened.run('VACUUM');
  const afterDelete = reopened.exec('SELECT count(*), sum(quantity) FROM orders');
  const vacuumed = reopened.export();
  reopened.close();
  return {
    answers: answers.hex(),
    reopenedAnswersEqual: answers.hex() === again.hex(),
    exportBytes: file.byteLength,
    exportSha256: sha256(file),
    afterDelete,
    vacuumedBytes: vacuumed.byteLength,
    vacuumedSha256: sha256(vacuumed),
  };
});
