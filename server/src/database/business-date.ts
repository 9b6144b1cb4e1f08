const formats = new Map<string, Intl.DateTimeFormat>();

/** The business date (YYYY-MM-DD) of an instant in the company's time zone (ARCHITECTURE §4). */
export function businessDate(at: Date, timeZone: string): string {
  // one formatter per zone: building one costs more than the rest of this function (order-path profile)
  let format = formats.get(timeZone);
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = format.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Adds days to a YYYY-MM-DD date (due dates, statement periods). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
