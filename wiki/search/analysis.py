"""French text analysis for the Whoosh index (pure: no Flask, no database).

The chain, applied the same way to documents and to queries::

    tokenizer → lowercase → elision (l', d', qu'…) → accent folding → stop words → Snowball French stemmer

**Accents are folded before stemming**, on purpose:

- whatever the stemmer does, two spellings that differ only by accents
  (« Médiathèque » / « mediatheque », « vélos » / « velos ») fold to the same
  string first, so they always get the same stem. Stemming first would make
  the result depend on the accents: Snowball strips « ée » from « réparée »
  (→ « répar ») but only « e » from « reparee » (→ « repare »), so a volunteer
  typing without accents would miss it;
- PostgreSQL can only do it this way (``unaccent`` is a *filtering*
  dictionary that must come before ``french_stem``), so both backends
  agree on what matches.

The price, documented by the tests: inflections whose suffix carries an
accent conflate less (« réparée » → « repare », « réparer » → « repar »).
The query side makes up for most of it with a prefix match on the last word
(see :mod:`wiki.search.syntax`).

Known Snowball limits, kept here: an ``s`` after a vowel and an ``x`` after
« eu/au/ou » stay (« vélos » → « velos », « lieux » → « lieux »), and verb
forms in « -ons » keep it (« réparons » → « reparon »). The query side asks
for both numbers of each word (:func:`wiki.search.syntax.number_variants`),
which PostgreSQL can do too, rather than a custom filter it could not mirror.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token
from whoosh.analysis import Tokenizer
from whoosh.lang import has_stemmer
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

#: Words, keeping inner apostrophes and dots together (« l'église », « aujourd'hui », « 3.5 »);
#: hyphens split (« Ille-et-Vilaine » → ille, et, vilaine) so each part is findable.
TOKEN_PATTERN = r"\w+(?:[.'’ʼ]\w+)*"
_TOKEN_RE = re.compile(TOKEN_PATTERN)

#: Elided articles, pronouns and conjunctions, removed from the front of a word.
ELISIONS: tuple[str, ...] = ("l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu")
ELISION_RE = re.compile("^(?:" + "|".join(sorted(ELISIONS, key=len, reverse=True)) + ")['’ʼ]", re.I)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
#: Whoosh's accent map, plus the ligatures PostgreSQL's ``unaccent`` expands (« œuvre » = « oeuvre »).
FOLDING: dict[int, str] = {
    **accent_map,
    **{ord(c): s for c, s in {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}.items()},
}

#: A small French stop list, written *folded* (it runs after accent folding).
#: Kept short on purpose: « est » (the direction) and « son » (sound) stay searchable.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a au aux avec ce ces cet cette d dans de des du elle elles en et il ils je j l la le les leur leurs lui
    m ma mais me mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses sur t ta te tes
    toi ton tu un une vos votre vous y
    """.split()
)

#: Whoosh's Snowball French stemmer (``whoosh.lang.snowball.french``), shipped by whoosh-reloaded.
STEM_LANG = "fr"
if not has_stemmer(STEM_LANG):  # pragma: no cover - guarded by the tests
    raise ImportError("whoosh has no French stemmer")


@functools.lru_cache(maxsize=100_000)
def stem_word(word: str) -> str:
    """Return the Snowball French stem of a folded word (cached, thread-safe)."""
    return _snowball(word)


_snowball = stemmer_for_language(STEM_LANG)


def _cut_elision(word: str) -> int:
    """Return how many leading characters are an elided article (« l' », « jusqu' »…), else 0."""
    match = ELISION_RE.match(word)
    return match.end() if match and len(word) > match.end() else 0


@functools.lru_cache(maxsize=200_000)
def normalise_word(raw: str) -> tuple[str, int] | None:
    """Lower-case, cut the elision, fold accents: return (word, characters cut), or None for a stop word."""
    lowered = raw.lower()
    cut = _cut_elision(lowered)
    word = lowered[cut:].translate(_APOSTROPHES).translate(FOLDING)
    return None if word in STOP_WORDS else (word, cut)


@functools.lru_cache(maxsize=200_000)
def analyse_word(raw: str) -> tuple[str, int] | None:
    """Like :func:`normalise_word`, then stemmed: the term the index stores for one token."""
    found = normalise_word(raw)
    return None if found is None else (stem_word(found[0]), found[1])


class FrenchAnalyzer(Tokenizer):
    """The whole chain in one pass, each distinct token computed once (cached).

    Equivalent to ``RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() |
    elision | CharsetFilter(FOLDING) | StopFilter(STOP_WORDS, minsize=1) |
    StemFilter("fr")`` — stop words take no position, so a phrase skips them
    — and about five times faster: analysis is most of a rebuild's time.
    ``is_morph`` tells Whoosh it stems, so ``TEXT(spelling=True)`` keeps the
    whole words aside (it calls the analyzer with ``no_morph=True``).
    """

    def __init__(self, stem: bool = True) -> None:
        self.stem = stem
        self.is_morph = stem

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FrenchAnalyzer) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((FrenchAnalyzer, self.stem))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[Token]:
        """Yield one token per indexed word (a single Token object, reused, as Whoosh's tokenizers do)."""
        word_of = analyse_word if self.stem and not no_morph else normalise_word
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in _TOKEN_RE.finditer(value):
            raw = match.group()
            found = word_of(raw)
            if found is None:
                if removestops:
                    continue
                token.text, token.stopped, cut = raw.lower(), True, 0
            else:
                (token.text, cut), token.stopped = found, False
            token.boost = 1.0
            if keeporiginal:
                token.original = raw
            if positions:
                token.pos = pos
                pos += not token.stopped
            if chars:
                token.startchar, token.endchar = start_char + match.start() + cut, start_char + match.end()
            yield token

    def positions(self, value: str) -> dict[str, list[int]]:
        """The positions of each indexed word of ``value`` (stop words skipped), words in order of first use.

        What ``__call__(value, positions=True)`` yields, without a Token per
        word: the indexing of a text field reads only this (:class:`wiki.search.postings.PackedPositions`).
        """
        word_of = analyse_word if self.stem else normalise_word
        found: dict[str, list[int]] = {}
        pos = 0
        for raw in _TOKEN_RE.findall(value):
            word = word_of(raw)
            if word is not None:
                if (places := found.get(word[0])) is None:
                    found[word[0]] = [pos]
                else:
                    places.append(pos)
                pos += 1
        return found


def fold(text: str) -> str:
    """Lower-case and remove accents the way the index does (« Église » → "eglise")."""
    return text.lower().translate(FOLDING)


def french_analyzer(*, stem: bool = True) -> FrenchAnalyzer:
    """Return the analyzer of the text fields; ``stem=False`` keeps whole words (spelling)."""
    return FrenchAnalyzer(stem=stem)


_ANALYZERS = {True: french_analyzer(stem=True), False: french_analyzer(stem=False)}


def analyze(text: str, *, stem: bool = True) -> list[str]:
    """Return the terms the index stores for ``text`` (tests, query building)."""
    return [token.text for token in _ANALYZERS[stem](text)]
