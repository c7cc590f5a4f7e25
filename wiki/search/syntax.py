"""What people type in the search box, read into clauses both backends compile.

Pure module. The syntax is small and French-friendly, and nothing of it can
fail: Whoosh's query language (``field:value``, ranges, boosts, wildcards
anywhere) and PostgreSQL's ``to_tsquery`` syntax are never exposed to
visitors, so a hostile or clumsy query (HOSTILE_INPUTS B9-78, B9-82) is
*simplified*, never refused, and both backends read it the same way.

- words are all required (AND: a territory wiki favours precision;
  « vélo Redon » should not list every page about Redon);
- ``"a phrase"`` (also « … » and “ … ”) requires the words in that order;
- ``-mot`` or ``-"une phrase"`` excludes;
- ``mot*`` matches words starting with ``mot``; the last required unquoted
  word always does (as you type: « covoit » finds « covoiturage », « velo »
  finds « vélos », « velo -electrique » too);
- hyphenated words are phrases (« Saint-Malo » = "saint malo");
- singular and plural meet where the stemmer leaves them apart (:func:`number_variants`);
- anything else (parentheses, brackets, ``:``, ``^``, backslashes, an
  unclosed quote, a query too long) is dropped and ``fixed`` is set, so the
  page can say « requête simplifiée ».
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from wiki.search.analysis import ELISION_RE
from wiki.search.analysis import STOP_WORDS
from wiki.search.analysis import fold

#: Longest query read, in characters (a 10 KB query is cut, not refused).
MAX_QUERY_CHARS = 300
#: Most clauses kept: more words than this say nothing more.
MAX_CLAUSES = 12
#: Shortest word (folded) matched as a prefix: « co » would expand to half the vocabulary.
MIN_PREFIX = 3

MSG_FIXED = "Votre recherche contenait des caractères spéciaux ou des guillemets non fermés : elle a été simplifiée."
MSG_EMPTY = "Tapez un ou plusieurs mots à chercher."
MSG_TOO_COMMON = "Ces mots sont trop courants pour être cherchés seuls : ajoutez un mot plus précis."
MSG_ONLY_EXCLUDED = "Ajoutez au moins un mot à chercher : les mots précédés d'un tiret sont seulement exclus."

_QUOTES = str.maketrans({c: '"' for c in "«»“”„‟″＂"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff]")
_ITEM = re.compile(r'(-?)"([^"]*)("?)|([^\s"]+)')
#: Word parts: letters and digits, with inner apostrophes and dots (« l'église », « 3.5 »).
_PART = re.compile(r"[^\W_]+(?:['’ʼ.][^\W_]+)*")
_PLAIN = re.compile(r"[^\W_]+")
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûü")
#: Characters of other query languages: dropping them is worth a notice.
_SPECIAL = re.compile(r"[()\[\]{}:^~\\|&!<>=*%$#@;/+]")


@dataclass(frozen=True)
class Clause:
    """One thing to match: a word or a phrase, required or excluded."""

    #: The cleaned words, separated by single spaces.
    text: str
    #: Several words that must follow each other.
    phrase: bool = False
    #: Documents matching this clause are left out.
    negated: bool = False
    #: The (single) word also matches longer words starting with it.
    prefix: bool = False

    def variants(self) -> tuple[str, ...]:
        """The text, then its other number for the last word (« vélo » → « vélo », « vélos »)."""
        head, _, last = self.text.rpartition(" ")
        return tuple(f"{head} {word}" if head else word for word in number_variants(last))


@dataclass(frozen=True)
class ParsedQuery:
    """A query read from the search box."""

    clauses: tuple[Clause, ...]
    #: Something was dropped or repaired: tell the person.
    fixed: bool = False
    #: Words left out because they are too common (« les », « de »).
    common: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[Clause, ...]:
        """The clauses a document must match."""
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def excluded(self) -> tuple[Clause, ...]:
        """The clauses a document must not match."""
        return tuple(c for c in self.clauses if c.negated)

    def message(self) -> str | None:
        """Return the French notice to show with the results, if any."""
        if not self.clauses:
            return MSG_TOO_COMMON if self.common else MSG_EMPTY
        if not self.required:
            return MSG_ONLY_EXCLUDED
        return MSG_FIXED if self.fixed else None

    def display(self) -> str:
        """Write the query back as understood (« vélo "maison de quartier" -payant »)."""
        out = []
        for clause in self.clauses:
            text = f'"{clause.text}"' if clause.phrase else clause.text
            out.append(("-" if clause.negated else "") + text)
        return " ".join(out)


def number_variants(word: str) -> tuple[str, ...]:
    """Return ``word`` and the singular or plural forms Snowball does not conflate.

    Snowball French keeps an ``s`` after a vowel and an ``x`` after ``eu``/``au``/``ou``
    (« vélos » → velos, « lieux » → lieux, « pneus » → pneus), so the query asks
    for both numbers: « velo » finds « vélos », « tiers-lieu » finds « tiers-lieux ».
    Done on the query, not in the analyzer, so PostgreSQL behaves the same.
    """
    low = word.lower()
    if len(low) < 3 or not low[-1].isalpha():
        return (word,)
    found = [word]
    if low[-1] in "sx" and low[-2] in _VOWELS and (low[-1] == "s" or low[-2] == "u"):
        found.append(word[:-1])
    elif low[-1] in _VOWELS:
        found.append(word + "s")
        if low[-2:] in ("eu", "au", "ou"):
            found.append(word + "x")
    return tuple(found)


def _clause(parts: list[str], *, negated: bool, quoted: bool, star: bool) -> Clause:
    if len(parts) == 1 and (elided := ELISION_RE.match(parts[0])) and len(parts[0]) > elided.end():
        parts = [parts[0][elided.end() :]]  # « l'église » → « église »: the article is a stop word anyway
    text = " ".join(parts)
    single = len(parts) == 1
    prefix = star and single and bool(_PLAIN.fullmatch(text)) and len(text) >= MIN_PREFIX
    return Clause(text=text, phrase=not single, negated=negated, prefix=prefix and not quoted)


def parse(raw: str | None) -> ParsedQuery:
    """Read a search-box query; never raises."""
    text = raw if isinstance(raw, str) else ""
    fixed = len(text) > MAX_QUERY_CHARS
    text = _CONTROL.sub(" ", unicodedata.normalize("NFKC", text[:MAX_QUERY_CHARS]).translate(_QUOTES))
    clauses: list[Clause] = []
    bare: set[int] = set()  # unquoted words, where the prefix may go
    common: list[str] = []
    for match in _ITEM.finditer(text):
        negated_phrase, phrase, closed, word = match.groups()
        if word is None:  # a quoted phrase
            fixed = fixed or not closed or bool(_SPECIAL.search(phrase))
            parts = _PART.findall(phrase)
            if parts:
                clauses.append(_clause(parts, negated=bool(negated_phrase), quoted=True, star=False))
            continue
        negated = word.startswith("-")
        body = word.lstrip("-")
        star = body.endswith("*")
        body = body.rstrip("*")
        fixed = fixed or bool(_SPECIAL.search(body))
        parts = _PART.findall(body)
        if len(parts) == 1 and fold(parts[0]) in STOP_WORDS:
            common.append(parts[0])  # dropped here, not by each engine: PostgreSQL's list lacks « les »
        elif parts:
            clauses.append(_clause(parts, negated=negated, quoted=False, star=star))
            bare.add(len(clauses) - 1)
    if len(clauses) > MAX_CLAUSES:
        clauses, fixed = clauses[:MAX_CLAUSES], True
    last = max((i for i in bare if i < len(clauses) and not clauses[i].negated and not clauses[i].phrase), default=None)
    if last is not None:
        clauses[last] = _clause([clauses[last].text], negated=False, quoted=False, star=True)
    return ParsedQuery(clauses=tuple(clauses), fixed=fixed, common=tuple(common))
