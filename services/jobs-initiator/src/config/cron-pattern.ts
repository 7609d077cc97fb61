/**
 * Cron patterns as the lblod initiator accepted them (library `cron` 1.8): six fields
 * `sec min hour day month weekday`, five fields (seconds = 0), month/day names, and `@`-presets.
 * node-cron understands the fields; presets are translated here.
 */
import nodeCron from 'node-cron';

const PRESETS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

/** The pattern in six-field form, or a list of problems. */
export function normaliseCronPattern(pattern: string): { pattern: string } | { problems: string[] } {
  const trimmed = pattern.trim();
  const preset = PRESETS[trimmed.toLowerCase()];
  if (trimmed.startsWith('@') && !preset) return { problems: [`unknown preset ${JSON.stringify(trimmed)} (known: ${Object.keys(PRESETS).join(', ')})`] };
  const expanded = preset ?? trimmed;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return { problems: [`needs 5 or 6 fields, got ${fields.length}: ${JSON.stringify(pattern)}`] };
  const sixFields = fields.length === 5 ? `0 ${expanded}` : expanded;
  const validation = nodeCron.validateDetailed(sixFields);
  if (!validation.valid) return { problems: validation.errors.map((error) => `${error.field}: ${error.message}`) };
  return { pattern: sixFields };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone }).format(0);
    return true;
  } catch {
    return false;
  }
}
