// The checker's vocabulary: a finding says what may be wrong with a draft, where, and how badly.
import type { GlossaryTerm } from '../glossary.js';
import type { SourceRelation } from '../types.js';

/** error: blocks publishing until an editor fixes the text or dismisses the finding; warning: shown only */
export type Severity = 'error' | 'warning';

/** [start, end) in UTF-16 code units of the string it refers to */
export type Span = [number, number];

export interface Finding {
  /** the rule's stable id: numbers, names, links, glossary, omission, hygiene */
  rule: string;
  severity: Severity;
  /** one sentence an editor understands, naming the text at fault */
  message: string;
  /** where in the source; null when the finding has no place there (something the draft added) */
  sourceSpan: Span | null;
  /** where in the draft; null when the finding has no place there (something the draft left out) */
  draftSpan: Span | null;
}

export interface CheckInput {
  /** target language of the draft, e.g. ko */
  lang: string;
  /** the English source */
  source: string;
  draft: string;
  /** title, intro, abstract, key_messages or overview, when known */
  field?: string;
  /** the glossary terms of the target language */
  glossary?: GlossaryTerm[];
  /**
   * translation (the default): the draft must carry everything of the source and add nothing;
   * summary (a derived intro): the draft may leave things out, but every number, name, link and
   * glossary term it has is held to the source as in a translation
   */
  relation?: SourceRelation;
}

/** A rule is a pure function: same input, same findings. */
export type Rule = (input: CheckInput) => Finding[];
