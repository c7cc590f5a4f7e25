"""Inline wikitext helpers whose fast forms must keep the result of the plain ones."""

from __future__ import annotations

import itertools
import re

from importers.wikitext_inline import escape


def test_escape_is_one_pass_over_the_markup_characters():
    # str.replace in a row: a backslash added for one character is never escaped again.
    reference = re.compile(r"([\\`*_\[\]<])")
    for size in range(1, 5):
        for chars in itertools.product("\\`*_[]<a&;", repeat=size):
            text = "".join(chars)
            expected = reference.sub(lambda m: "&lt;" if m.group(1) == "<" else "\\" + m.group(1), text)
            assert escape(text) == expected, text
