"""What the render process costs a save of a long text: the same renders inline and through the pool.

```sh
.venv/bin/python bench/save_render.py              # the saved page's text, made 12,600 characters long
.venv/bin/python bench/save_render.py --renders 100
```

A text of ``INLINE_CHARS`` characters or more is rendered by a render process
(``wiki.markup.worker``), reused from save to save. This renders the bench's
saved page (``compare_setup.SAVE_SLUG``, lengthened past the threshold) N
times inline, then N times through ``POOL.render``, and prints per render the
wall time, the CPU of the calling thread and, for the pool, the render
process's CPU (``/proc/<pid>/stat``, Linux), and how many render processes
were started.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import compare_setup as setup  # noqa: E402


def long_text() -> str:
    """Return the saved page's text as the bench stores it (one sentence a line), lengthened past the threshold."""
    from wiki.markup.worker import INLINE_CHARS

    body = next(body for slug, _title, body in setup.pages(200) if slug == setup.SAVE_SLUG)
    sentences = re.split(r"(?<=[.!?]) ", body)
    text = "\n".join((sentences * (1 + 60 // len(sentences)))[: max(60, len(sentences))])
    while len(text) < INLINE_CHARS * 5 // 4:
        text += "\n" + text[: INLINE_CHARS // 2]
    return text


def process_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    """Render inline, then through the pool, and print the figures per render."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=40)
    args = parser.parse_args()
    from wiki.markup import render
    from wiki.markup.worker import POOL

    text, count = long_text(), args.renders
    POOL.render(text, 60)  # the render process starts (imports) outside the figures
    child = POOL._idle[0].process.pid
    print(f"# text: {len(text)} characters, {count} renders each way (a line changed each time)")
    for label, one in (("inline", render), ("render process", lambda t: POOL.render(t, 60))):
        wall, cpu, child_cpu = time.perf_counter(), time.thread_time(), process_cpu(child)
        for n in range(count):
            one(f"{text}\n\nligne {n}")
        wall, cpu = (time.perf_counter() - wall) / count * 1000, (time.thread_time() - cpu) / count * 1000
        extra = (
            f", render process CPU {(process_cpu(child) - child_cpu) / count * 1000:.2f} ms"
            if "process" in label
            else ""
        )
        print(f"{label:15} wall {wall:.2f} ms, calling thread CPU {cpu:.2f} ms{extra}")
    print(f"# render processes started: {POOL.started}")
    POOL.close()


if __name__ == "__main__":
    main()
