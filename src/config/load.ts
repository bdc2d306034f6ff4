// Reads the environment and the optional config file; reports every bad option at once.
import { readFileSync } from 'node:fs';
import { PaperboyError } from '../errors.js';
import { OPTIONS, type Config } from './options.js';

export interface LoadOptions {
  env: Record<string, string | undefined>;
  /** path of a JSON config file; PAPERBOY_CONFIG when not given */
  file?: string;
}

function readConfigFile(path: string): Record<string, unknown> {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PaperboyError('CONFIG_INVALID', `config file ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new PaperboyError('CONFIG_INVALID', `config file ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PaperboyError('CONFIG_INVALID', `config file ${path}: must hold a JSON object`);
  }
  const known = new Set<string>(OPTIONS.map((o) => o.key));
  const unknown = Object.keys(parsed).filter((k) => !known.has(k));
  if (unknown.length) throw new PaperboyError('CONFIG_INVALID', `config file ${path}: unknown option(s) ${unknown.join(', ')}`);
  return parsed as Record<string, unknown>;
}

export function loadConfig({ env, file }: LoadOptions): Config {
  const path = file ?? env.PAPERBOY_CONFIG;
  const fromFile = path ? readConfigFile(path) : {};
  const out: Record<string, unknown> = {};
  const sources: Config['sources'] = {};
  const problems: string[] = [];
  for (const opt of OPTIONS) {
    const envVal = env[opt.env];
    const fileVal = fromFile[opt.key];
    let raw: unknown;
    if (envVal !== undefined && envVal !== '') {
      raw = envVal;
      sources[opt.key] = 'env';
    } else if (fileVal !== undefined) {
      raw = typeof fileVal === 'number' || typeof fileVal === 'boolean' ? String(fileVal) : fileVal;
      sources[opt.key] = 'file';
    } else {
      raw = 'default' in opt ? opt.default : undefined;
      sources[opt.key] = 'default';
    }
    const r = opt.schema.safeParse(raw);
    if (r.success) out[opt.key] = r.data;
    else problems.push(`${opt.env}${sources[opt.key] === 'file' ? ` (${opt.key} in ${path})` : ''}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length) throw new PaperboyError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`);
  return { ...(out as Omit<Config, 'sources'>), sources };
}

/** The configuration as a table with secrets redacted. */
export function dumpConfig(config: Config): Array<{ env: string; key: string; value: string | null; source: string; description: string }> {
  return OPTIONS.map((opt) => {
    const v = (config as unknown as Record<string, unknown>)[opt.key];
    let value: string | null = v === undefined ? null : String(v);
    if (opt.secret && value !== null) value = redact(value);
    return { env: opt.env, key: opt.key, value, source: config.sources[opt.key] ?? 'default', description: opt.description };
  });
}

function redact(value: string): string {
  // Keep the scheme and host of a URL so an operator can tell which server it is.
  try {
    const u = new URL(value);
    if (u.password || u.username) {
      u.password = u.password ? '****' : '';
      u.username = u.username ? '****' : '';
    }
    for (const k of [...u.searchParams.keys()]) if (/pass|secret|token|key/i.test(k)) u.searchParams.set(k, '****');
    return u.toString();
  } catch {
    return '****';
  }
}
