/**
 * One page of a listing: the items and the cursor of the next page (for histories, the page
 * before), null when there is none. Name cursors are strings, seq cursors numbers.
 */
export interface Page<T, Cursor = string> {
  items: T[];
  nextCursor: Cursor | null;
}
