/**
 * A room's last 50 messages, in the Durable Object's own SQLite database
 * (`ctx.storage.sql`, enabled by the `new_sqlite_classes` migration). It
 * outlives the object: an evicted room reads it back when it wakes up.
 */

/** The slice of `SqlStorage` used here (`wrangler types` generates the full one). */
export interface SqlStorage {
  exec<Row extends Record<string, unknown>>(
    query: string,
    ...bindings: unknown[]
  ): { toArray(): Row[] };
}

export interface ChatMessage {
  [column: string]: unknown;
  id: number;
  user: string;
  text: string;
  /** Milliseconds since the epoch, when the room received it. */
  at: number;
}

export const HISTORY_LENGTH = 50;

export class History {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    // Synchronous and idempotent: safe in the object's constructor, before any event runs.
    sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (" +
        "id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL)",
    );
  }

  /** Stores a message, numbered in arrival order, and forgets the ones past the last 50. */
  append(user: string, text: string, at: number): ChatMessage {
    const [message] = this.#sql
      .exec<ChatMessage>(
        "INSERT INTO messages (user, text, at) VALUES (?, ?, ?) RETURNING id, user, text, at",
        user,
        text,
        at,
      )
      .toArray();
    const stored = message as ChatMessage;
    this.#sql.exec("DELETE FROM messages WHERE id <= ?", stored.id - HISTORY_LENGTH);
    return stored;
  }

  /** The last 50 messages, oldest first. */
  recent(): ChatMessage[] {
    const newestFirst = this.#sql
      .exec<ChatMessage>(
        "SELECT id, user, text, at FROM messages ORDER BY id DESC LIMIT ?",
        HISTORY_LENGTH,
      )
      .toArray();
    return newestFirst.reverse();
  }
}
