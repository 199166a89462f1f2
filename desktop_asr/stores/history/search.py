"""What a history search query means, how it becomes SQL, and the snippet shown for a hit.

The query language, kept small on purpose:
- the query is split into terms at white space; a part in double quotes is one term with
  its spaces (``"new york"``); any other double quote is dropped (one being typed);
- an entry matches when **every** term occurs in its text or its source name, as a
  substring, ignoring case (so Chinese needs no word boundaries: 可以帮到 matches inside
  您好,请问有什么可以帮到您?);
- nothing else is syntax: ``* - ( ) : ^ AND OR NOT`` are searched for literally.

Terms of 3+ characters go through the FTS5 trigram index (each quoted as an FTS5 string,
with ``"`` doubled, so no input can be read as FTS5 syntax); the trigram index cannot
match shorter terms (会议, "ok"), so those are found with a LIKE scan of the rows instead
(case folding there is ASCII-only, which is SQLite's LIKE).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_asr.errors import InputError

TRIGRAM = 3  # the shortest term the trigram index can find
_TERM = re.compile(r'"([^"]+)"|(\S+)')


def parse_query(query: str) -> list[str]:
    """The terms of ``query`` (see the module's docstring), in order, without repeats."""
    terms: list[str] = []
    for match in _TERM.finditer(query):
        term = match.group(1) if match.group(1) is not None else match.group(2)
        if match.group(1) is None:
            term = term.replace('"', "")
        if term.strip() and term not in terms:
            terms.append(term)
    if not terms:
        raise InputError("The search query is empty: type a word to look for.")
    return terms


@dataclass(frozen=True)
class SearchSql:
    """A WHERE clause over the ``entries`` table (alias ``e``) and its parameters."""

    where: str
    params: tuple[str, ...]


def search_sql(terms: Sequence[str]) -> SearchSql:
    clauses: list[str] = []
    params: list[str] = []
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    if long_terms:
        clauses.append("e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)")
        params.append(" ".join(fts_string(t) for t in long_terms))  # juxtaposition is AND
    for term in terms:
        if len(term) < TRIGRAM:
            pattern = f"%{like_escape(term)}%"
            clauses.append(r"(e.text LIKE ? ESCAPE '\' OR e.source LIKE ? ESCAPE '\')")
            params += [pattern, pattern]
    return SearchSql(" AND ".join(clauses), tuple(params))


def fts_string(term: str) -> str:
    """``term`` as an FTS5 string literal: everything inside is text, never syntax."""
    return '"' + term.replace('"', '""') + '"'


def like_escape(term: str) -> str:
    """``term`` for ``LIKE ... ESCAPE '\\'``: ``%`` and ``_`` match only themselves."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Snippet:
    """A short piece of a text around the first match; ``highlights`` are (start, end)
    offsets into ``text`` of every occurrence of a term, in order, not overlapping."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()

    def marked(self, before: str = "[", after: str = "]") -> str:
        """The snippet with each highlight wrapped, e.g. for a terminal or HTML (escape
        ``text`` pieces yourself for HTML)."""
        out, pos = [], 0
        for start, end in self.highlights:
            out += [self.text[pos:start], before, self.text[start:end], after]
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


def make_snippet(text: str, terms: Sequence[str], width: int = 100) -> Snippet:
    """At most ``width`` characters of ``text`` (one line) starting a little before the
    first match of any term, with "…" where it was cut. No match: the start of the text."""
    flat = " ".join(text.split())
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    spans = [m.span() for m in pattern.finditer(flat)] if terms else []
    start = 0
    if spans and len(flat) > width:
        start = max(0, min(spans[0][0] - width // 4, len(flat) - width))
    end = min(len(flat), start + width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    kept = tuple((max(s, start) + shift, min(e, end) + shift)
                 for s, e in spans if s < end and e > start)
    return Snippet(prefix + flat[start:end] + suffix, kept)
