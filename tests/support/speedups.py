"""Work shared by the thousands of apps one test session creates: compiled templates and URL builders.

Every test builds its own app (``tests/conftest.py``), and profiling showed
two costs repeated for each, identical from app to app, that took about 40 %
of a plain test's time (on 1,022 tests of records, pages, agenda and
geodata: 55 s of CPU with both shared, 65 s without the templates, 69 s
without the URL builders):

- Jinja compiles each template again for each app's environment. The apps
  share :data:`TEMPLATE_CODE`, an in-memory Jinja bytecode cache holding the
  compiled code objects. Jinja checks the source checksum on each load, and the
  cache key includes the template's file name and every environment setting
  that shapes the compiled code, so an app only ever gets code Jinja would have
  compiled for it.
- Werkzeug turns each URL rule into two Python "builder" functions by
  generating and compiling source code (``Rule._compile_builder``), about a
  hundred rules per app. The builders are pure functions of the rule (they
  take the rule as their first argument), so :func:`share_url_builders`
  memoizes them per rule text, parsed rule, defaults and flag. If a Werkzeug
  release changes that private method's signature, the memo is not installed
  and the tests simply run slower.

Nothing here changes what an app does: only how often the same code is compiled.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from collections.abc import Hashable
from types import CodeType
from typing import Any

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


def _builder_key(rule: Rule, append_unknown: bool) -> Hashable:
    """What a rule's builder function depends on: its text, parsed parts and defaults as built into URLs."""
    defaults = rule.defaults or {}
    converters = rule._converters
    return (
        rule.rule,
        append_unknown,
        tuple(rule._trace),
        tuple(
            (key, converters[key].to_url(value) if key in converters else None)
            for key, value in sorted(defaults.items())
        ),
    )


def share_url_builders() -> None:
    """Memoize Werkzeug's compiled URL builders for the whole test process (see the module docstring)."""
    original: Callable[..., Any] = Rule._compile_builder
    if getattr(original, "shared_by_tests", False):
        return
    if list(inspect.signature(original).parameters) != ["self", "append_unknown"] or not hasattr(Rule, "compile"):
        return
    built: dict[Hashable, Any] = {}

    @functools.wraps(original)
    def compile_builder(self: Rule, append_unknown: bool = True) -> Any:
        key = _builder_key(self, append_unknown)
        if key not in built:
            built[key] = original(self, append_unknown)
        return built[key]

    compile_builder.shared_by_tests = True  # type: ignore[attr-defined]
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
