import { statementKind } from '../../../../src/infrastructure/database/database';

describe('statementKind (parley_db_statements_total)', () => {
  it('when a statement may change data, then it counts as a write, a CTE or a row lock included', () => {
    for (const sql of [
      'insert into users (id) values ($1)',
      'UPDATE session SET expire = now()',
      'delete from message_requests where expires_at < now()',
      'with batch as (select 1) insert into messages select * from batch',
      'select * from session where sid = $1 for update',
      'create table t (id int)',
    ]) {
      expect(statementKind(sql)).toBe('write');
    }
  });

  it('when a statement only reads, then it is a read; transaction control is other', () => {
    expect(statementKind('select "u"."id" from "users" as "u" where "u"."id" = $1')).toBe('read');
    expect(statementKind('  with x as (select 1) select * from x')).toBe('read');
    expect(statementKind('begin')).toBe('other');
    expect(statementKind('commit')).toBe('other');
  });
});
