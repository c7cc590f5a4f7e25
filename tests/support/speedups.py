"""Work shared by the thousands of apps one test session creates: compiled templates.

Every test builds its own app (``tests/conftest.py``), and Jinja compiles
each template again for each app's environment: on 1,022 tests of records,
pages, agenda and geodata, sharing the compiled templates saved about 10 s
of 65 s of CPU. (Werkzeug also compiles URL builders per app; they are not
shared: that meant patching a private Werkzeug method the app under test
relies on.)
The apps share :data:`TEMPLATE_CODE`, an in-memory Jinja bytecode cache (a
public Jinja interface) holding the compiled code objects. Jinja checks the
source checksum on each load, and the cache key includes the template's file
name and every environment setting that shapes the compiled code, so an app
only ever gets code Jinja would have compiled for it.

Nothing here changes what an app does: only how often the same code is compiled.
"""

from __future__ import annotations

from collections.abc import Hashable
from types import CodeType

from flask import Flask
from jinja2 import BytecodeCache
from jinja2 import Environment
from jinja2.bccache import Bucket


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
