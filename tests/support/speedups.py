"""Work shared by the thousands of apps one test session creates: compiled templates and URL builders.

Every test builds its own app (``tests/conftest.py``), and Jinja compiles
each template again for each app's environment: on 1,022 tests of records,
pages, agenda and geodata, sharing the compiled templates saved about 10 s
of 65 s of CPU.
The apps share :data:`TEMPLATE_CODE`, an in-memory Jinja bytecode cache (a
public Jinja interface) holding the compiled code objects. Jinja checks the
source checksum on each load, and the cache key includes the template's file
name and every environment setting that shapes the compiled code, so an app
only ever gets code Jinja would have compiled for it.

Werkzeug likewise compiles two URL builder functions for each of an app's
148 rules (an AST made, walked and compiled for each): 60 of the 90 ms of
CPU that ``create_app`` took. :func:`share_url_builders` (installed for the
whole session by ``tests/conftest.py``) keeps each builder by everything its
code is made of, and hands the same function to the same rule of the next
app. This wraps ``Rule._compile_builder``, a private Werkzeug method: the
builder is a plain function of its rule's parsed parts (no closure, no
state; the rule is bound at call time), and
``tests/support/test_speedups.py`` checks, for every rule of a real app, that
the shared function's code is the one Werkzeug compiles afresh.

Nothing here changes what an app does: only how often the same code is compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Hashable
from types import CodeType

from flask import Flask
from jinja2 import BytecodeCache
from jinja2 import Environment
from jinja2.bccache import Bucket
from werkzeug.routing import Rule


def _environment_signature(env: Environment) -> Hashable:
    """The settings of ``env`` that shape the code Jinja compiles for it."""
    autoescape = getattr(env.autoescape, "__func__", env.autoescape)
    return (
        type(env).__qualname__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        env.finalize,
        autoescape if isinstance(autoescape, bool) else getattr(autoescape, "__qualname__", repr(autoescape)),
        tuple(sorted(env.extensions)),
        env.policies.get("compiler.ascii_str"),
    )


class SharedTemplateCode(BytecodeCache):
    """A Jinja bytecode cache in memory, shared by the environments of every test app."""

    def __init__(self) -> None:
        self._code: dict[tuple[Hashable, str], tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give the bucket the code compiled earlier from the same source for the same settings, if any."""
        found = self._code.get((_environment_signature(bucket.environment), bucket.key))
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the code Jinja just compiled."""
        if bucket.code is not None:
            self._code[(_environment_signature(bucket.environment), bucket.key)] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        """Forget every compiled template."""
        self._code.clear()


TEMPLATE_CODE = SharedTemplateCode()


def share_template_code(app: Flask) -> None:
    """Let ``app`` reuse the templates other test apps compiled."""
    app.jinja_env.bytecode_cache = TEMPLATE_CODE


#: Werkzeug's own ``Rule._compile_builder``, which :func:`share_url_builders` wraps.
COMPILE_BUILDER = Rule._compile_builder
_BUILDERS: dict[Hashable, Callable[..., tuple[str, str]]] = {}


def builder_key(rule: Rule, append_unknown: bool) -> Hashable:
    """Everything the code of ``rule``'s builder is made of.

    Werkzeug builds it from the rule's parsed parts (``_trace``: static text and
    variable names, host or subdomain part included), the names of its defaults
    in order, each default that fills a variable as its converter writes it in
    a URL, whether unknown arguments are appended as a query string, and the
    rule's text (the function's name).
    """
    defaults = rule.defaults
    if not defaults:
        return (rule.rule, tuple(rule._trace), append_unknown)
    variables = {data for dynamic, data in rule._trace if dynamic}
    filled = tuple(rule._converters[name].to_url(defaults[name]) for name in defaults if name in variables)
    return (rule.rule, tuple(rule._trace), append_unknown, tuple(defaults), filled)


def _shared_builder(rule: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    """The builder Werkzeug compiled for an identical rule earlier in the session, else a new one."""
    key = builder_key(rule, append_unknown)
    builder = _BUILDERS.get(key)
    if builder is None:
        builder = _BUILDERS[key] = COMPILE_BUILDER(rule, append_unknown)
    return builder


def share_url_builders() -> None:
    """Let every Werkzeug rule made from now on reuse the URL builders compiled for identical rules."""
    Rule._compile_builder = _shared_builder  # type: ignore[method-assign]
