// What a command needs; src/main.ts builds the real ones, tests may build their own.
import type { HfDailyClient } from '../sources/hf-daily/client.js';
import type { ArxivListing } from '../sources/arxiv/listing.js';
import type { Config } from '../config/options.js';
import type { Topic } from '../domain/topics.js';
import type { Fetcher, Forum, Llm, Mailer, Store } from '../ports.js';
import type { DiscourseSettings } from '../pipeline/discourse.js';
import type { MailSettings } from '../pipeline/deliver.js';
import type { ArxivSource } from '../pipeline/enrich.js';
import { PaperboyError, usage } from '../errors.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** true when stderr is a terminal: progress then updates one line */
  isTTY?(): boolean;
  /** rewrites the progress line on a terminal ('' clears it) */
  status?(text: string): void;
  /** all of standard input, for `--password-stdin` (tests give it in-process) */
  readStdin?(): Promise<string>;
}

export interface Deps {
  config: Config;
  io: Io;
  /** opened once, on first use, so commands that need no database never touch it */
  store(): Promise<Store>;
  fetcher: Fetcher;
  arxiv(onProgress: (done: number, total: number) => void): ArxivSource;
  /** the live candidate sources: Hugging Face daily papers and arXiv listings */
  candidateSources(): { hf: HfDailyClient; arxiv: ArxivListing };
  /** the configured LLM; throws LLM_NOT_CONFIGURED saying how to configure one */
  llm(): Llm;
  /** the topic taxonomy (PAPERBOY_TOPICS_FILE or the default); throws CONFIG_INVALID naming what is wrong */
  topics(): readonly Topic[];
  /** the Discourse forum and how editions are posted there; throws CONFIG_INVALID naming what is missing */
  forum(): { forum: Forum; settings: DiscourseSettings };
  /** a new mailer: SMTP when PAPERBOY_SMTP_URL is set, else .eml files in the data folder */
  mailer(): Mailer;
  /** sender, links and list headers of every mail; emlDir when mails are written as files */
  mailSettings(): MailSettings & { emlDir: string | null };
  /** PAPERBOY_FAILPOINT, for the crash tests (src/cli/mail.ts) */
  failpoint?: string;
  /** aborted on Ctrl-C, so long work stops cleanly */
  interrupt?: AbortSignal;
  now(): Date;
  /** closes what was opened */
  close(): Promise<void>;
}

/** A command's answer: what to print and the exit code. */
export interface Outcome {
  exitCode: number;
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** --week takes a date inside an edition (YYYY-MM-DD) or `latest`. */
export function parseWeek(value: string | undefined): string | 'latest' {
  if (value === undefined) throw usage('--week is required (a date inside the edition, YYYY-MM-DD, or "latest")');
  if (value === 'latest') return value;
  if (!ISO.test(value)) throw usage(`--week ${value}: expected a date as YYYY-MM-DD or "latest"`);
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw usage(`--week ${value}: not a real calendar date`);
  return value;
}

/** The configured LLM, or null (with `note` on stderr) when none is configured; other errors are thrown. */
export function optionalLlm(deps: Deps, note: string): Llm | null {
  try {
    return deps.llm();
  } catch (e) {
    if (!(e instanceof PaperboyError && e.code === 'LLM_NOT_CONFIGURED')) throw e;
    deps.io.err(note);
    return null;
  }
}
