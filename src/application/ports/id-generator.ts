/** Makes identifiers that sort by creation time (UUIDv7), so primary-key indexes stay append-mostly. */
export interface IdGenerator {
  next(): string;
}
