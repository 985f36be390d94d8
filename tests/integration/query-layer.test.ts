import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  command,
  joinTransaction,
  query,
  readDb,
  readTransaction,
  scalar,
  selectList,
  writeTransaction,
  type ReadonlyDb,
  type WritableDb,
} from '../../electron/services/db/query';
import { openSqlite } from '../../electron/services/db/sqlite';
import { openCore, tempDir } from '../support/db';
import { REPO_ROOT } from '../support/paths';

/*
 * The query layer (electron/services/db/query.ts) over a real SQLite file:
 * a read path cannot write (types, then SQLite's own verdict at run time),
 * writes exist only inside a write transaction, statements are prepared once
 * per connection. The `@ts-expect-error` lines are checked by `npm run
 * typecheck` (tests/ is in tsconfig.json): if the layer ever let a read path
 * write, the directive itself would become an error.
 */

const selectNotes = query<{ id: number; text: string }, []>('SELECT id, text FROM note ORDER BY id');
const countNotes = scalar<number, []>('SELECT count(*) FROM note');
const insertNote = command<[text: string]>('INSERT INTO note (text) VALUES (?)');
/** A write wrongly declared as a query: the compiler cannot see it, SQLite can. */
const disguisedWrite = query<never, [text: string]>('INSERT INTO note (text) VALUES (?) RETURNING id');

const addNote = (db: WritableDb, text: string): number => Number(db.run(insertNote, text).lastInsertRowid);
const readNotes = (db: ReadonlyDb): string[] => db.all(selectNotes).map((n) => n.text);

let db: Database.Database;

beforeEach(() => {
  db = openSqlite(path.join(tempDir('qrr-query-'), 'q.sqlite'));
  db.exec('CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT');
});
afterEach(() => db.close());

describe('the types keep a read path from writing', () => {
  it('refuses every way of writing through a ReadonlyDb (compile-time; the calls below never run)', () => {
    const ro = readDb(db);
    const typeChecks = (): void => {
      // @ts-expect-error a ReadonlyDb has no run
      ro.run(insertNote, 'x');
      // @ts-expect-error a function that writes needs a WritableDb
      addNote(ro, 'x');
      // @ts-expect-error a command is not a query
      ro.all(insertNote, 'x');
      // @ts-expect-error the raw connection is not reachable from the view
      ro.prepare('DELETE FROM note');
      // @ts-expect-error an object with the right methods is not a WritableDb (only the transaction helpers make one)
      const forged: WritableDb = { get: ro.get, all: ro.all, run: () => ({ changes: 0, lastInsertRowid: 0 }) };
      // @ts-expect-error parameters are checked against the statement
      ro.all(selectNotes, 1);
      void forged;
    };
    expect(typeof typeChecks).toBe('function');
    expect(readNotes(ro)).toEqual([]);
  });

  it('lets a WritableDb read too (it is a ReadonlyDb)', () => {
    const texts = writeTransaction(db, (w) => {
      addNote(w, 'un');
      return readNotes(w);
    });
    expect(texts).toEqual(['un']);
  });
});

describe('at run time', () => {
  it('refuses a write declared as a query before it runs, and writes nothing', () => {
    expect(() => readDb(db).get(disguisedWrite, 'écrit ?')).toThrow(/read-only query may not write/);
    expect(() => writeTransaction(db, (w) => w.all(disguisedWrite, 'écrit ?'))).toThrow(/read-only query may not write/);
    expect(readDb(db).get(countNotes)).toBe(0);
  });

  it('writes all of a transaction or nothing', () => {
    expect(() =>
      writeTransaction(db, (w) => {
        addNote(w, 'un');
        addNote(w, 'deux');
        throw new Error('refusé');
      }),
    ).toThrow('refusé');
    expect(readDb(db).get(countNotes)).toBe(0);
    writeTransaction(db, (w) => addNote(w, 'trois'));
    expect(readNotes(readDb(db))).toEqual(['trois']);
  });

  it('a WritableDb kept after its transaction writes nothing', () => {
    let kept: WritableDb | null = null;
    writeTransaction(db, (w) => {
      kept = w;
    });
    expect(() => addNote(kept!, 'trop tard')).toThrow(/inside its transaction/);
    expect(readDb(db).get(countNotes)).toBe(0);
  });

  it('nested write transactions are savepoints: the inner one rolls back alone', () => {
    writeTransaction(db, (outer) => {
      addNote(outer, 'gardée');
      expect(() =>
        writeTransaction(db, (inner) => {
          addNote(inner, 'annulée');
          throw new Error('refusé');
        }),
      ).toThrow('refusé');
    });
    expect(readNotes(readDb(db))).toEqual(['gardée']);
  });

  it('readTransaction reads one snapshot: a write committed meanwhile by another connection is not seen', () => {
    writeTransaction(db, (w) => addNote(w, 'avant'));
    const other = openSqlite(db.name);
    try {
      const seen = readTransaction(db, (ro) => {
        const first = readNotes(ro);
        writeTransaction(other, (w) => addNote(w, 'pendant'));
        return { first, second: readNotes(ro) };
      });
      expect(seen).toEqual({ first: ['avant'], second: ['avant'] });
      expect(readNotes(readDb(db))).toEqual(['avant', 'pendant']);
    } finally {
      other.close();
    }
  });

  it('joinTransaction works only inside a transaction opened elsewhere', () => {
    expect(() => joinTransaction(db)).toThrow(/inside the transaction/);
    db.transaction(() => addNote(joinTransaction(db), 'jointe')).immediate();
    expect(readNotes(readDb(db))).toEqual(['jointe']);
    const joined = db.transaction(() => joinTransaction(db))();
    expect(() => addNote(joined, 'hors transaction')).toThrow(/inside its transaction/);
    expect(readDb(db).get(countNotes)).toBe(1);
  });

  it('prepares each statement once per connection, and a scalar query apart from the row query of the same SQL', () => {
    const prepare = vi.spyOn(db, 'prepare');
    const sameSql = query<{ 'count(*)': number }, []>('SELECT count(*) FROM note');
    for (let i = 0; i < 3; i++) {
      writeTransaction(db, (w) => addNote(w, `note ${i}`));
      readNotes(readDb(db));
      expect(readDb(db).get(countNotes)).toBe(i + 1);
      expect(readDb(db).get(sameSql)).toEqual({ 'count(*)': i + 1 });
    }
    expect(prepare.mock.calls.map(([sql]) => sql).sort()).toEqual(
      [insertNote.sql, selectNotes.sql, countNotes.sql, sameSql.sql].sort(),
    );
    // Another connection to the same file prepares its own.
    const other = new Database(db.name, { readonly: true });
    try {
      expect(readDb(other).get(countNotes)).toBe(3);
    } finally {
      other.close();
    }
  });

  it('writes each column alias once from the column map', () => {
    expect(selectList({ qrrId: 'qrr_id', code: 'code' })).toBe('qrr_id AS qrrId, code');
    expect(selectList({ qrrId: 'qrr_id', code: 'code' }, 's')).toBe('s.qrr_id AS qrrId, s.code');
  });
});

describe('the table modules (electron/services/db/tables/)', () => {
  it('declare SQL the latest schema accepts, every query read-only and every command a write', async () => {
    const core = await openCore();
    try {
      const dir = path.join(REPO_ROOT, 'electron/services/db/tables');
      const checked: string[] = [];
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
        const module = (await import(path.join(dir, file))) as Record<string, unknown>;
        for (const [name, value] of Object.entries(module)) {
          const statement = value as { kind?: unknown; sql?: unknown };
          if (statement?.kind !== 'query' && statement?.kind !== 'command') continue;
          const prepared = core.db.prepare(String(statement.sql));
          expect(prepared.readonly, `${file} ${name}`).toBe(statement.kind === 'query');
          checked.push(`${file}:${name}`);
        }
      }
      // Every table the services read or write has its module.
      for (const file of ['settings', 'qrr', 'qrr-commune', 'qrr-qpv', 'period', 'audit-log', 'sans-objet', 'indicator-target', 'assessment', 'indicator-value', 'action-status', 'fipd-envelope', 'subsidy', 'subsidy-payment']) {
        expect(checked.some((c) => c.startsWith(`${file}.ts:`)), file).toBe(true);
      }
    } finally {
      core.close();
    }
  });
});
