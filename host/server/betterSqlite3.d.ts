// The part of better-sqlite3's API the server uses (the package ships no types and
// @types/better-sqlite3 is not a dependency).
declare module "better-sqlite3" {
  namespace Database {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }
    interface ColumnDefinition {
      name: string;
    }
    interface Statement<Row = Record<string, unknown>> {
      readonly reader: boolean;
      run(...params: unknown[]): RunResult;
      get(...params: unknown[]): Row | undefined;
      all(...params: unknown[]): Row[];
      columns(): ColumnDefinition[];
      raw(toggle?: boolean): this;
    }
    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      timeout?: number;
    }
    interface Database {
      readonly open: boolean;
      readonly readonly: boolean;
      prepare<Row = Record<string, unknown>>(sql: string): Statement<Row>;
      exec(sql: string): this;
      pragma(sql: string, options?: { simple?: boolean }): unknown;
      transaction<F extends (...args: never[]) => unknown>(fn: F): F;
      close(): this;
    }
  }
  const Database: {
    new (filename: string, options?: Database.Options): Database.Database;
  };
  export = Database;
}
