// The time built-ins called directly: Go layouts for parsing and formatting, durations, calendar
// fields in IANA time zones, date arithmetic and differences, the int64 nanosecond range and the
// error messages of Go's time package and of OPA.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { builtins } from '../../server/src/builtins/time';
import { assertError, assertValue, caller, checkDeclarations, fakeContext } from './call-builtin';

const call = caller(builtins);
const SECOND = 1_000_000_000n;
/** 2024-03-10T12:34:56.789Z, a Sunday. */
const SAMPLE = 1710074096n * SECOND + 789_000_000n;

describe('time declarations', () => checkDeclarations(builtins));

describe('time.now_ns', () => {
  it('reads the clock of the context', () => {
    const now = builtins.find((builtin) => builtin.name === 'time.now_ns')!;
    assert.equal(now.impl([], fakeContext({ nowNs: 1_700_000_000_000_000_000n })), 1_700_000_000_000_000_000n);
    assert.equal(now.impl([], fakeContext({ nowNs: 5n })), 5);
  });
});

describe('time.parse_rfc3339_ns', () => {
  it('parses offsets and fractions', () => {
    assert.equal(call('time.parse_rfc3339_ns', '1970-01-01T00:00:00Z'), 0);
    assert.equal(call('time.parse_rfc3339_ns', '1970-01-01T01:00:00+01:00'), 0);
    assert.equal(call('time.parse_rfc3339_ns', '2024-03-10T12:34:56.789Z'), SAMPLE);
    assert.equal(call('time.parse_rfc3339_ns', '2024-03-10T12:34:56,789Z'), SAMPLE);
    assert.equal(call('time.parse_rfc3339_ns', '1969-12-31T23:59:59.5Z'), -500_000_000);
  });

  it('covers exactly the int64 range of nanoseconds', () => {
    assert.equal(call('time.parse_rfc3339_ns', '2262-04-11T23:47:16.854775807Z'), (1n << 63n) - 1n);
    assert.equal(call('time.parse_rfc3339_ns', '1677-09-21T00:12:43.145224192Z'), -(1n << 63n));
    assertError(() => call('time.parse_rfc3339_ns', '2262-04-11T23:47:16.854775808Z'), 'time outside of valid range');
    assertError(() => call('time.parse_rfc3339_ns', '9999-12-31T23:59:59Z'), 'time outside of valid range');
  });

  it("reports Go's parse errors", () => {
    assertError(() => call('time.parse_rfc3339_ns', '2024-03-10'), 'parsing time "2024-03-10" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"');
    assertError(() => call('time.parse_rfc3339_ns', '2024-03-10T25:00:00Z'), 'parsing time "2024-03-10T25:00:00Z": hour out of range');
    assertError(() => call('time.parse_rfc3339_ns', '2024-02-30T00:00:00Z'), 'parsing time "2024-02-30T00:00:00Z": day out of range');
    assertError(() => call('time.parse_rfc3339_ns', '2024-03-10T12:34:56Zjunk'), 'parsing time "2024-03-10T12:34:56Zjunk": extra text: "junk"');
    assertError(() => call('time.parse_rfc3339_ns', 1), 'operand 1 must be string but got number', 'eval_type_error');
  });
});

describe('time.parse_ns', () => {
  it('parses with Go reference layouts', () => {
    assert.equal(call('time.parse_ns', '2006-01-02', '2024-03-10'), 1710028800n * SECOND);
    assert.equal(call('time.parse_ns', '02/01/2006 3:04PM', '10/03/2024 12:34PM'), 1710074040n * SECOND);
    assert.equal(call('time.parse_ns', '02/01/2006 3:04pm', '10/03/2024 12:34am'), 1710030840n * SECOND);
    assert.equal(call('time.parse_ns', 'Jan _2 06 15:04:05.000', 'Mar 10 24 12:34:56.789'), SAMPLE);
    assert.equal(call('time.parse_ns', 'Monday, January 2, 2006', 'sunday, MARCH 10, 2024'), 1710028800n * SECOND);
    assert.equal(call('time.parse_ns', '2006-002', '2024-070'), 1710028800n * SECOND);
  });

  it('accepts the layout names OPA knows', () => {
    assert.equal(call('time.parse_ns', 'RFC3339', '2024-03-10T12:34:56.789Z'), SAMPLE);
    assert.equal(call('time.parse_ns', 'RFC1123Z', 'Sun, 10 Mar 2024 13:34:56 +0100'), 1710074096n * SECOND);
    assert.equal(call('time.parse_ns', 'RFC822', '10 Mar 24 12:34 UTC'), 1710074040n * SECOND);
  });

  it('applies numeric offsets, and treats unknown zone abbreviations as UTC', () => {
    assert.equal(call('time.parse_ns', '2006-01-02 15:04 -07:00', '2024-03-10 05:34 -07:00'), 1710074040n * SECOND);
    assert.equal(call('time.parse_ns', '2006-01-02 15:04 Z0700', '2024-03-10 12:34 Z'), 1710074040n * SECOND);
    assert.equal(call('time.parse_ns', '2006-01-02 15:04 MST', '2024-03-10 12:34 PST'), 1710074040n * SECOND);
  });

  it("reports Go's parse errors", () => {
    assertError(() => call('time.parse_ns', '2006-01-02', '2024-3-10'), 'parsing time "2024-3-10" as "2006-01-02": cannot parse "3-10" as "01"');
    assertError(() => call('time.parse_ns', '2006-01-02', '2024-13-10'), 'parsing time "2024-13-10": month out of range');
    assertError(() => call('time.parse_ns', 'Jan 2006', 'Foo 2024'), 'parsing time "Foo 2024" as "Jan 2006": cannot parse "Foo 2024" as "Jan"');
    // Without a year the date is January 1st of year 0, far outside the int64 range.
    assertError(() => call('time.parse_ns', '15:04', '00:00'), 'time outside of valid range');
    assertError(() => call('time.parse_ns', '2006', 'année'), 'parsing time "ann\\xc3\\xa9e" as "2006": cannot parse "ann\\xc3\\xa9e" as "2006"');
  });
});

describe('time.parse_duration_ns', () => {
  it('reads Go durations', () => {
    assert.equal(call('time.parse_duration_ns', '1h30m'), 5_400_000_000_000);
    assert.equal(call('time.parse_duration_ns', '-1.5s'), -1_500_000_000);
    assert.equal(call('time.parse_duration_ns', '+250ms'), 250_000_000);
    assert.equal(call('time.parse_duration_ns', '1µs1us1μs1ns'), 3001);
    assert.equal(call('time.parse_duration_ns', '.5m'), 30_000_000_000);
    assert.equal(call('time.parse_duration_ns', '0'), 0);
    assert.equal(call('time.parse_duration_ns', '2562047h47m16.854775807s'), (1n << 63n) - 1n);
    assert.equal(call('time.parse_duration_ns', '-2562047h47m16.854775808s'), -(1n << 63n));
  });

  it("reports Go's errors", () => {
    assertError(() => call('time.parse_duration_ns', ''), 'time: invalid duration ""');
    assertError(() => call('time.parse_duration_ns', '1'), 'time: missing unit in duration "1"');
    assertError(() => call('time.parse_duration_ns', '3d'), 'time: unknown unit "d" in duration "3d"');
    assertError(() => call('time.parse_duration_ns', '.s'), 'time: invalid duration ".s"');
    assertError(() => call('time.parse_duration_ns', '2562048h'), 'time: invalid duration "2562048h"');
  });
});

describe('time.date, time.clock and time.weekday', () => {
  it('read UTC by default', () => {
    assertValue(call('time.date', SAMPLE), [2024, 3, 10]);
    assertValue(call('time.clock', SAMPLE), [12, 34, 56]);
    assert.equal(call('time.weekday', SAMPLE), 'Sunday');
    assertValue(call('time.date', -1), [1969, 12, 31]);
    assertValue(call('time.clock', -1), [23, 59, 59]);
    assert.equal(call('time.weekday', 0), 'Thursday');
  });

  it('read other time zones, with daylight saving time', () => {
    assertValue(call('time.clock', [SAMPLE, 'America/New_York']), [8, 34, 56]);
    assertValue(call('time.clock', [SAMPLE - 24n * 3600n * SECOND, 'America/New_York']), [7, 34, 56]);
    assertValue(call('time.date', [SAMPLE, 'Pacific/Kiritimati']), [2024, 3, 11]);
    assert.equal(call('time.weekday', [SAMPLE, 'Pacific/Kiritimati']), 'Monday');
    assertValue(call('time.clock', [SAMPLE, 'Asia/Kathmandu']), [18, 19, 56]);
    assertValue(call('time.clock', [SAMPLE, '']), [12, 34, 56]);
    assertValue(call('time.clock', [SAMPLE, 'UTC']), [12, 34, 56]);
  });

  it('refuse timestamps outside int64 and unknown zones', () => {
    assertError(() => call('time.date', 1n << 63n), 'timestamp too big');
    assertError(() => call('time.clock', 1.5), 'timestamp too big');
    assertError(() => call('time.weekday', [0, 'Mars/Olympus_Mons']), 'unknown time zone Mars/Olympus_Mons');
    assertError(() => call('time.weekday', [0, 'america/new_york']), 'unknown time zone america/new_york');
    assertError(() => call('time.weekday', [0, '../etc/passwd']), 'time: invalid location name');
  });

  it('check the operand shape', () => {
    const expected = 'operand 1 must be either number (ns) or [number (ns), string (tz)] but got string';
    assertError(() => call('time.date', '0'), expected, 'eval_type_error');
    assertError(() => call('time.date', []), 'operand 1 must be either number (ns) or [number (ns), string (tz)] but got array', 'eval_type_error');
    assertError(() => call('time.date', ['0']), 'operand 1 must be number but got string', 'eval_type_error');
    assertError(() => call('time.date', [0, 1]), 'operand 1 must be string but got number', 'eval_type_error');
  });
});

describe('time.add_date', () => {
  it('adds years, months and days, carrying overflowing dates over', () => {
    const january31 = call('time.parse_rfc3339_ns', '2023-01-31T10:00:00Z') as bigint;
    assert.equal(call('time.add_date', january31, 0, 1, 0), call('time.parse_rfc3339_ns', '2023-03-03T10:00:00Z'));
    assert.equal(call('time.add_date', january31, 1, 0, -31), call('time.parse_rfc3339_ns', '2023-12-31T10:00:00Z'));
    const leapDay = call('time.parse_rfc3339_ns', '2024-02-29T00:00:00Z') as bigint;
    assert.equal(call('time.add_date', leapDay, 1, 0, 0), call('time.parse_rfc3339_ns', '2025-03-01T00:00:00Z'));
    assert.equal(call('time.add_date', leapDay, 0, -14, 0), call('time.parse_rfc3339_ns', '2022-12-29T00:00:00Z'));
  });

  it('keeps the wall clock in the given time zone across daylight saving time', () => {
    const before = call('time.parse_rfc3339_ns', '2024-03-09T12:00:00-05:00') as bigint;
    assert.equal(call('time.add_date', [before, 'America/New_York'], 0, 0, 1), call('time.parse_rfc3339_ns', '2024-03-10T12:00:00-04:00'));
  });

  it('refuses results outside the int64 range and fractional counts', () => {
    assertError(() => call('time.add_date', 0, 300, 0, 0), 'time outside of valid range');
    assertError(() => call('time.add_date', 0, -300, 0, 0), 'time outside of valid range');
    assertError(() => call('time.add_date', 0, 0, 0, 1e15), 'time outside of valid range');
    assertError(() => call('time.add_date', 0, 1.5, 0, 0), 'operand 2 must be integer number but got floating-point number', 'eval_type_error');
    assertError(() => call('time.add_date', 0, 0, 0, '1'), 'operand 4 must be number but got string', 'eval_type_error');
  });
});

describe('time.diff', () => {
  const at = (text: string) => call('time.parse_rfc3339_ns', text) as bigint;

  it('counts calendar units between two times in either order', () => {
    assertValue(call('time.diff', at('2020-01-15T10:00:00Z'), at('2021-03-20T12:30:45Z')), [1, 2, 5, 2, 30, 45]);
    assertValue(call('time.diff', at('2021-03-20T12:30:45Z'), at('2020-01-15T10:00:00Z')), [1, 2, 5, 2, 30, 45]);
    assertValue(call('time.diff', at('2020-01-31T23:59:59Z'), at('2020-03-01T00:00:00Z')), [0, 1, 0, 0, 0, 1]);
    assertValue(call('time.diff', at('2023-02-15T00:00:00Z'), at('2023-03-14T00:00:00Z')), [0, 0, 27, 0, 0, 0]);
    assertValue(call('time.diff', SAMPLE, SAMPLE), [0, 0, 0, 0, 0, 0]);
  });

  it("reads both times in the first operand's zone", () => {
    assertValue(call('time.diff', [at('2024-01-01T00:00:00Z'), 'UTC'], [at('2024-01-01T01:00:00Z'), 'Asia/Tokyo']), [0, 0, 0, 1, 0, 0]);
    assertValue(call('time.diff', [at('2024-03-31T22:30:00Z'), 'Europe/Berlin'], at('2024-04-01T22:30:00Z')), [0, 0, 1, 0, 0, 0]);
  });
});

describe('time.format', () => {
  it('prints RFC 3339 with nanoseconds by default', () => {
    assert.equal(call('time.format', SAMPLE), '2024-03-10T12:34:56.789Z');
    assert.equal(call('time.format', 0), '1970-01-01T00:00:00Z');
    assert.equal(call('time.format', [SAMPLE, 'Asia/Kathmandu']), '2024-03-10T18:19:56.789+05:45');
    assert.equal(call('time.format', [SAMPLE, 'America/Sao_Paulo', '']), '2024-03-10T09:34:56.789-03:00');
  });

  it('prints with named and custom layouts', () => {
    assert.equal(call('time.format', [SAMPLE, 'UTC', 'RFC1123']), 'Sun, 10 Mar 2024 12:34:56 UTC');
    assert.equal(call('time.format', [SAMPLE, 'America/New_York', 'RFC1123Z']), 'Sun, 10 Mar 2024 08:34:56 -0400');
    assert.equal(call('time.format', [SAMPLE, 'America/New_York', 'UnixDate']), 'Sun Mar 10 08:34:56 EDT 2024');
    assert.equal(call('time.format', [SAMPLE, 'UTC', 'ANSIC']), 'Sun Mar 10 12:34:56 2024');
    assert.equal(call('time.format', [SAMPLE, 'UTC', 'Monday, January 2, 2006 at 3:04PM']), 'Sunday, March 10, 2024 at 12:34PM');
    assert.equal(call('time.format', [SAMPLE, 'UTC', '02/01/06 03:04:05 pm']), '10/03/24 12:34:56 pm');
    assert.equal(call('time.format', [SAMPLE, 'UTC', 'day 002 of 2006, _2 Jan']), 'day 070 of 2024, 10 Mar');
    assert.equal(call('time.format', [5n * SECOND, 'UTC', '_2 __2 1/2 4:5']), ' 1   1 1/1 0:5');
    assert.equal(call('time.format', [SAMPLE, 'UTC', 'no layout elements here']), 'no layout elements here');
  });

  it('prints fractions of a second as Go does', () => {
    assert.equal(call('time.format', [SAMPLE, 'UTC', '05.000000']), '56.789000');
    assert.equal(call('time.format', [SAMPLE, 'UTC', '05.99']), '56.78');
    assert.equal(call('time.format', [SAMPLE - 789_000_000n, 'UTC', '05.999']), '56');
    assert.equal(call('time.format', [SAMPLE, 'UTC', '05,0']), '56,7');
    // A run of digits followed by another digit is not a fraction: here ".00" and the month "01".
    assert.equal(call('time.format', [SAMPLE, 'UTC', '.0001']), '.0003');
  });

  it('prints zone offsets in every style', () => {
    const kathmandu = [SAMPLE, 'Asia/Kathmandu'];
    assert.equal(call('time.format', [...kathmandu, '-07']), '+05');
    assert.equal(call('time.format', [...kathmandu, '-07:00:00']), '+05:45:00');
    assert.equal(call('time.format', [...kathmandu, 'Z070000']), '+054500');
    assert.equal(call('time.format', [SAMPLE, 'UTC', 'Z07:00 -07:00']), 'Z +00:00');
    assert.equal(call('time.format', [...kathmandu, 'MST']), '+0545');
  });

  it('refuses timestamps outside int64', () => {
    assertError(() => call('time.format', 1e22), 'timestamp too big');
    assertError(() => call('time.format', [0, 'UTC', 1]), 'operand 1 must be string but got number', 'eval_type_error');
  });
});
