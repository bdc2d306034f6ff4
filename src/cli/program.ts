// The command table. Each action parses its options and calls one command function.
import { Command, CommanderError, Option } from 'commander';
import { describeError, exitCodeOf } from '../errors.js';
import type { Deps, Outcome } from './deps.js';
import { configCommand, editionsCommand, enrichCommand, FORMATS, renderCommand } from './editions.js';
import { importCsvCommand, importEditionCommand, importUpstreamCommand } from './import.js';
import { checkCommand, dismissCommand } from './check.js';
import { publishCommand } from './publish.js';
import { serveCommand } from './serve.js';
import { runCommand } from './run.js';
import { statusCommand } from './status.js';
import { candidatesFetchCommand, candidatesImportCommand, candidatesRankCommand, candidatesTrainCommand, editionNewCommand } from './candidates.js';
import { overviewCommand, topicsListCommand, topicsTagCommand, trendsCommand } from './topics.js';
import { sendCommand, subscribersCountCommand, subscribersDeleteCommand, subscribersExportCommand, subscribersImportCommand, workerCommand } from './mail.js';
import { editorAddCommand, editorDisableCommand, editorListCommand, editorPasswordCommand } from './editor.js';
import { costsCommand, draftCommand, glossaryAddCommand, glossaryImportCommand, glossaryListCommand } from './draft.js';

export function buildProgram(getDeps: () => Deps, setOutcome: (o: Outcome) => void): Command {
  const program = new Command('paperboy')
    .description('Self-hosted bilingual weekly digest of the top ML papers')
    .version('0.1.0')
    .showHelpAfterError('(run `paperboy --help` for the commands)')
    .exitOverride();

  const act =
    <A extends unknown[]>(fn: (deps: Deps, ...args: A) => Promise<Outcome>) =>
    async (...args: A) =>
      setOutcome(await fn(getDeps(), ...args));

  const imp = program.command('import').description('bring editions, papers and texts into the store');
  imp
    .command('upstream')
    .description('import the upstream weekly list (a file or URL; default PAPERBOY_UPSTREAM_URL)')
    .argument('[file-or-url]', 'the list as Markdown')
    .option('--json', 'print the result as JSON')
    .action(act((d, src: string | undefined, o: { json?: boolean }) => importUpstreamCommand(d, src, o)));
  imp
    .command('csv')
    .description("import the upstream 2023 CSV, which carries each paper's abstract")
    .argument('<file>', 'the CSV file (or URL)')
    .option('--json', 'print the result as JSON')
    .action(act((d, file: string, o: { json?: boolean }) => importCsvCommand(d, file, o)));
  imp
    .command('edition')
    .description('import a translated edition in the reference format and attach its texts')
    .argument('<file>', 'the post as plain text (or URL)')
    .requiredOption('--lang <code>', 'language of the post, e.g. ko')
    .option('--model <name>', 'the model that drafted the post, if known (shown in the footer)')
    .option('--json', 'print the result as JSON')
    .action(act((d, file: string, o: { lang: string; model?: string; json?: boolean }) => importEditionCommand(d, file, o)));

  program
    .command('enrich')
    .description('fill abstracts, authors, categories and dates from the arXiv API')
    .option('--week <date>', 'the edition holding this date (YYYY-MM-DD) or "latest"')
    .option('--all', 'every paper with an arXiv id')
    .option('--force', 'ask again for papers enriched before')
    .option('--json', 'print the result as JSON')
    .action(act((d, o: { week?: string; all?: boolean; force?: boolean; json?: boolean }) => enrichCommand(d, o)));

  program
    .command('render')
    .description('write an edition in the reference layout')
    .option('--week <date>', 'a date inside the edition (YYYY-MM-DD) or "latest"', 'latest')
    .option('--lang <code>', 'target language (en renders English only); default PAPERBOY_LANG')
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('markdown'))
    .option('--out <file>', 'write to a file instead of standard output')
    .action(act((d, o: { week?: string; lang?: string; format?: string; out?: string }) => renderCommand(d, o)));

  program
    .command('draft')
    .description('draft the target-language title, intro and abstract of every entry with an LLM; an entry without an English intro (an edition built from candidates) gets one written from its abstract')
    .option('--week <date>', 'a date inside the edition (YYYY-MM-DD) or "latest"', 'latest')
    .option('--lang <code>', 'language to draft into; default PAPERBOY_LANG (en: only the intros of entries without an English one)')
    .option('--fields <list>', 'comma-separated: title,intro,abstract (default all)')
    .option('--force', 'redraft up-to-date drafts and imported texts (never approved or editor texts)')
    .option('--json', 'print the result as JSON')
    .action(act((d, o: { week?: string; lang?: string; fields?: string; force?: boolean; json?: boolean }) => draftCommand(d, o)));

  program
    .command('costs')
    .description('tokens and estimated cost of drafting an edition, per field and model')
    .option('--week <date>', 'a date inside the edition (YYYY-MM-DD) or "latest"', 'latest')
    .option('--lang <code>', 'only this language')
    .option('--json', 'print the report as JSON')
    .action(act((d, o: { week?: string; lang?: string; json?: boolean }) => costsCommand(d, o)));

  program
    .command('check')
    .description('check every target-language text of an edition against its English source (numbers, names, links, glossary, omissions, hygiene)')
    .option('--week <date>', 'a date inside the edition (YYYY-MM-DD) or "latest"', 'latest')
    .option('--lang <code>', 'language of the texts; default PAPERBOY_LANG')
    .option('--pairs <file>', 'check standalone pairs instead: JSON Lines of {"id","lang","source","draft"}')
    .option('--fail-on <severity>', 'exit 65 when an open finding of this severity (error or warning) remains')
    .option('--json', 'print the result as JSON (JSON Lines with --pairs)')
    .action(act((d, o: { week?: string; lang?: string; pairs?: string; failOn?: string; json?: boolean }) => checkCommand(d, o)));

  program
    .command('publish')
    .description('publish an edition in a language; refused while checker errors are open, texts are unchecked, or texts are not approved')
    .option('--week <date>', 'a date inside the edition (YYYY-MM-DD) or "latest"', 'latest')
    .option('--lang <code>', 'default PAPERBOY_LANG')
    .option('--to <channels>', 'comma-separated channels: web, feeds, email, discourse (or all: every configured one); email queues one delivery per weekly subscriber; discourse posts one topic per edition and language, edited when published again', 'web')
    .option('--allow-drafts', 'publish texts no editor approved yet; the edition is marked as such')
    .option('--json', 'print the result as JSON')
    .action(act((d, o: { week?: string; lang?: string; to?: string; allowDrafts?: boolean; json?: boolean }) => publishCommand(d, o)));

  const findings = program.command('findings').description("act on the checker's findings");
  findings
    .command('dismiss')
    .description('dismiss a finding (it stops blocking publishing); who and why are recorded')
    .argument('<id>', 'the finding id shown by `paperboy check` (#12)')
    .requiredOption('--by <who>', 'the editor dismissing it')
    .requiredOption('--why <reason>', 'why the finding does not apply')
    .option('--json', 'print the finding as JSON')
    .action(act((d, id: string, o: { by: string; why: string; json?: boolean }) => dismissCommand(d, id, o)));

  const glossary = program.command('glossary').description('the terms drafts must use, per language');
  glossary
    .command('import')
    .description('import terms from a Markdown table (English | target | … | note) or the JSON term format')
    .argument('<file>', 'the glossary file (or URL)')
    .requiredOption('--lang <code>', 'the target language of the terms, e.g. ko')
    .option('--format <format>', 'markdown or json (default: by content)')
    .option('--json', 'print the result as JSON')
    .action(act((d, file: string, o: { lang: string; format?: string; json?: boolean }) => glossaryImportCommand(d, file, o)));
  glossary
    .command('list')
    .description('list the terms of a language')
    .option('--lang <code>', 'default PAPERBOY_LANG')
    .option('--json', 'print the terms as JSON')
    .action(act((d, o: { lang?: string; json?: boolean }) => glossaryListCommand(d, o)));
  glossary
    .command('add')
    .description('add or change one term')
    .argument('<english>', 'the English term')
    .argument('<target>', 'the term to use in the target language')
    .option('--lang <code>', 'default PAPERBOY_LANG')
    .option('--rule <rule>', 'translate, keep, transliterate or bilingual (target(English) on first use)', 'translate')
    .option('--note <text>', 'a note for editors')
    .action(act((d, en: string, target: string, o: { lang?: string; rule?: string; note?: string }) => glossaryAddCommand(d, en, target, o)));

  const subscribers = program.command('subscribers').description('the e-mail list: import, privacy requests, counts');
  subscribers
    .command('import')
    .description('add subscribers from a CSV with the columns email, language (ko, en, both), frequency (weekly, daily), confirmed (true, false)')
    .argument('<file>', 'the CSV file (or URL)')
    .option('--json', 'print the result as JSON')
    .action(act((d, file: string, o: { json?: boolean }) => subscribersImportCommand(d, file, o)));
  subscribers
    .command('export')
    .description('print everything stored about one subscriber as JSON (a privacy request)')
    .argument('<email>', 'the address')
    .action(act((d, email: string) => subscribersExportCommand(d, email)));
  subscribers
    .command('delete')
    .description('delete one subscriber and their delivery records (a privacy request)')
    .argument('<email>', 'the address')
    .action(act((d, email: string) => subscribersDeleteCommand(d, email)));
  subscribers
    .command('count')
    .description('subscribers by status (pending, confirmed, unsubscribed, bounced, complained)')
    .option('--json', 'print as JSON')
    .action(act((d, o: { json?: boolean }) => subscribersCountCommand(d, o)));

  program
    .command('send')
    .description('send the queued mail once (SMTP, or .eml files in the data folder when PAPERBOY_SMTP_URL is unset), then stop')
    .option('--day <date>', 'first queue the daily mail of this day (YYYY-MM-DD or "yesterday")')
    .option('--wait <seconds>', 'also wait for retries due within this many seconds', '0')
    .option('--json', 'print the result as JSON')
    .action(act((d, o: { day?: string; wait?: string; json?: boolean }) => sendCommand(d, o)));

  program
    .command('worker')
    .description('send queued mail as it comes, retry failures, queue each day\'s daily mail, until SIGTERM or Ctrl-C')
    .option('--json', 'print the final counts as JSON')
    .action(act((d, o: { json?: boolean }) => workerCommand(d, o)));

  const topics = program.command('topics').description('the topic taxonomy and the topics of papers');
  topics
    .command('list')
    .description('show the taxonomy (PAPERBOY_TOPICS_FILE or the default)')
    .option('--json', 'print it as JSON, a file to edit and name in PAPERBOY_TOPICS_FILE')
    .action(act((d, o: { json?: boolean }) => topicsListCommand(d, o)));
  topics
    .command('tag')
    .description("tag papers with topics by the rules (phrases, arXiv categories); --llm refines them, keeping the rules' answer")
    .option('--week <date>', 'the edition holding this date (YYYY-MM-DD) or "latest"')
    .option('--all', 'every edition')
    .option('--llm', 'ask the configured LLM to refine the tags')
    .option('--force', 'tag again papers whose texts have not changed')
    .option('--json', 'print the result as JSON')
    .action(act((d, o: { week?: string; all?: boolean; llm?: boolean; force?: boolean; json?: boolean }) => topicsTagCommand(d, o)));

  const cand = program.command('candidates').description("papers proposed for a week by Hugging Face daily papers and arXiv listings, ranked the way this digest's editors pick");
  cand
    .command('fetch')
    .description('fetch the candidates listed from --from to --to (Hugging Face daily papers by day; arXiv listings of PAPERBOY_CANDIDATE_CATEGORIES)')
    .option('--from <date>', 'first day (YYYY-MM-DD)')
    .option('--to <date>', 'last day (YYYY-MM-DD); default --from')
    .option('--source <list>', 'comma-separated: hf, arxiv', 'hf,arxiv')
    .option('--json', 'print the result as JSON')
    .action(act((d, o: { from?: string; to?: string; source?: string; json?: boolean }) => candidatesFetchCommand(d, o)));
  cand
    .command('import')
    .description('import candidate files: Hugging Face API answers (YYYY-MM-DD.json), daily-papers Markdown (YYYY-MM-DD.md), monthly keyword listings (JSON), papers_list.csv; or a folder of them')
    .argument('<file-or-dir>', 'a candidate file or a folder of them')
    .option('--json', 'print the result as JSON')
    .action(act((d, target: string, o: { json?: boolean }) => candidatesImportCommand(d, target, o)));
  cand
    .command('rank')
    .description("score the week's candidates: similarity to past picks, popularity per day, topic fit, recency; each with its contribution")
    .option('--week <date>', 'the first day of the week (YYYY-MM-DD)')
    .option('--top <n>', 'how many to show', '20')
    .option('--json', 'print the ranking as JSON')
    .action(act((d, o: { week?: string; top?: string; json?: boolean }) => candidatesRankCommand(d, o)));
  cand
    .command('train')
    .description("learn the editors' taste: TF-IDF over titles and intros/abstracts with a logistic classifier, picked papers against passed-over candidates")
    .option('--json', 'print the result as JSON')
    .action(act((d, o: { json?: boolean }) => candidatesTrainCommand(d, o)));

  const edition = program.command('edition').description('build an edition without an upstream list');
  edition
    .command('new')
    .description("create the week's edition from the ranked candidates (then enrich, draft intros from abstracts, and edit it in the desk)")
    .option('--week <date>', 'the first day of the week (YYYY-MM-DD)')
    .option('--from-candidates', 'take the top of the ranking')
    .option('--top <n>', 'how many entries', '10')
    .option('--json', 'print the result as JSON')
    .action(act((d, o: { week?: string; fromCandidates?: boolean; top?: string; json?: boolean }) => editionNewCommand(d, o)));

  program
    .command('trends')
    .description("an edition's facts: papers per topic against the four editions before, recurring names, shares with code; or topics week by week with --from/--to")
    .option('--week <date>', 'a date inside the edition (YYYY-MM-DD) or "latest" (the default)')
    .option('--from <date>', 'first edition start of a range (YYYY-MM-DD)')
    .option('--to <date>', 'last edition start of a range (YYYY-MM-DD)')
    .option('--json', 'print the facts as JSON')
    .action(act((d, o: { week?: string; from?: string; to?: string; json?: boolean }) => trendsCommand(d, o)));

  program
    .command('overview')
    .description("draft the edition's overview from its facts: 3-5 bullets, each citing the entries it rests on (the LLM when configured, else the templates); checked at once")
    .option('--week <date>', 'a date inside the edition (YYYY-MM-DD) or "latest"', 'latest')
    .option('--lang <code>', 'language of the overview; default PAPERBOY_LANG')
    .option('--template', 'write it with the templates even when an LLM is configured')
    .option('--force', 'draft again when the facts have not changed, and replace an imported overview')
    .option('--json', 'print the result as JSON')
    .action(act((d, o: { week?: string; lang?: string; template?: boolean; force?: boolean; json?: boolean }) => overviewCommand(d, o)));

  program
    .command('status')
    .description('where every recent edition stands per language (texts, checks, approvals, publications, deliveries) and the next step')
    .option('--limit <n>', 'how many editions, newest first (1-200; default 8)')
    .option('--lang <code>', 'only this language (comma-separated for several); shown even where it has no texts yet')
    .option('--json', 'print the rows as JSON')
    .action(act((d, o: { limit?: string; lang?: string; json?: boolean }) => statusCommand(d, o)));

  program
    .command('run')
    .description('the scheduler: prepares the newest upstream week at PAPERBOY_SCHEDULE (import, enrich, draft, check, overview), tells the editors it is ready, publishes by itself when PAPERBOY_AUTO_PUBLISH allows, keeps forum posts in step; until Ctrl-C')
    .option('--now', 'prepare the week once, now, and exit')
    .action(act((d, o: { now?: boolean }) => runCommand(d, o)));

  program
    .command('serve')
    .description('serve the web archive of published editions, with feeds, until Ctrl-C')
    .option('--port <n>', 'port to listen on', '3000')
    .option('--host <address>', 'address to bind (127.0.0.1 by default; 0.0.0.0 for every interface)', '127.0.0.1')
    .action(act((d, o: { port?: string; host?: string }) => serveCommand(d, o)));

  const editor = program.command('editor').description('the people who may log in to the editor desk (/desk)');
  editor
    .command('add')
    .description('add an editor; the password is read from standard input')
    .argument('<email>', "the editor's e-mail address, their login name")
    .option('--password-stdin', 'read the password (at least 12 characters) from standard input')
    .action(act((d, email: string, o: { passwordStdin?: boolean }) => editorAddCommand(d, email, o)));
  editor
    .command('list')
    .description('list the editors and whether they are disabled')
    .option('--json', 'print the list as JSON')
    .action(act((d, o: { json?: boolean }) => editorListCommand(d, o)));
  editor
    .command('disable')
    .description('stop an editor from logging in and end their sessions')
    .argument('<email>', "the editor's e-mail address")
    .action(act((d, email: string) => editorDisableCommand(d, email)));
  editor
    .command('password')
    .description("set an editor's password (read from standard input) and end their sessions")
    .argument('<email>', "the editor's e-mail address")
    .option('--password-stdin', 'read the new password from standard input')
    .action(act((d, email: string, o: { passwordStdin?: boolean }) => editorPasswordCommand(d, email, o)));

  program
    .command('editions')
    .description('list the stored editions, newest first')
    .option('--json', 'print the list as JSON')
    .action(act((d, o: { json?: boolean }) => editionsCommand(d, o)));

  program
    .command('config')
    .description('print the configuration with secrets redacted')
    .option('--dump', 'print every option and where its value came from (the default)')
    .option('--json', 'print as JSON')
    .action(act((d, o: { dump?: boolean; json?: boolean }) => configCommand(d, o)));

  return program;
}

/** Runs one command line; returns the exit code. Errors become one line on stderr. */
export async function runCli(argv: string[], makeDeps: () => Deps, io: { out(s: string): void; err(s: string): void }, debug: boolean): Promise<number> {
  let outcome: Outcome = { exitCode: 0 };
  let deps: Deps | undefined;
  const getDeps = () => (deps ??= makeDeps());
  const program = buildProgram(getDeps, (o) => (outcome = o));
  program.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
    for (const sub of c.commands) {
      sub.exitOverride();
      sub.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
    }
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return outcome.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed its message; help and version exit 0
      return e.exitCode === 0 ? 0 : 2;
    }
    io.err(describeError(e, debug));
    return exitCodeOf(e);
  } finally {
    if (deps) await deps.close().catch(() => {});
  }
}
