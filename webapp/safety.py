"""The rules that keep the site safe from its inputs, checked by ``make release`` (and so by
``systemctl reload``) as errors, and by ``make check-catalogs`` with the same code.

Translators and editors are semi-trusted (their tools rewrite files, an account can be taken
over), so these rules are exact and cannot be waived, neither by a ``# qa-ok`` comment in a
catalog nor by anything else a translator edits (issue 22):

``placeholders``
    A UI msgstr has exactly its msgid's ``%``-format directives (Python printf-style, the
    syntax of ``str % mapping``: https://docs.python.org/3/library/stdtypes.html
    #printf-style-string-formatting): the same names, the same count, and no flag, width or
    precision that the msgid lacks. ``%(num)10000000s`` would make every page that shows a
    reading time a 10 MB page; a misspelled name would make the page fall back to English.
``markup``
    An article msgstr has exactly its source's inline markup and link targets, as the
    project's own Markdown parser (:data:`webapp.content._MD`, markdown-it-py) reads them: a
    translated link may change its text, never its target. Parsing with the renderer itself,
    not a regex, catches ``[a]b](//evil)``, protocol-relative and autolinks alike.
``paths``
    No symbolic link (so nothing that resolves outside its folder) in ``content/``,
    ``translations/``, ``static/``, ``templates/``: a link would publish a file of the build
    host. The file is named, its content is never read or printed.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

# One printf-style directive, or ``%%``: % [(name)] [flags] [width] [.precision] [length]
# conversion (Python's grammar; the length modifier is accepted and ignored by Python).
_DIRECTIVE = re.compile(r"%(?:%|(?:\((?P<name>[^)]*)\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?"
                        r"(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa]))")


def directives(text: str) -> tuple[list[str], list[int]]:
    """The ``%`` directives of ``text`` (each as written, ``%%`` included) and the character
    offsets of every ``%`` that starts no directive (Python raises on those when formatting)."""
    found, stray = [], []
    i = 0
    while True:
        i = text.find("%", i)
        if i < 0:
            return found, stray
        m = _DIRECTIVE.match(text, i)
        if m:
            found.append(m.group(0))
            i = m.end()
        else:
            stray.append(i)
            i += 1


def placeholder_problem(msgid: str, msgstr: str, msgid_plural: str | None = None) -> str | None:
    """Why a UI ``msgstr`` may not replace ``msgid`` (or ``msgid_plural``), or None.

    :param msgid: the English source; :param msgstr: one translation (one plural form);
    :param msgid_plural: the plural source of a plural entry, whose directives a plural
        form may have instead of ``msgid``'s (Chinese has one form for every n).
    :returns: a message naming the directives expected and found, when ``msgstr`` has not
        exactly the directives (as written: name, flags, width, precision, conversion) of
        one of the sources, or has a stray ``%`` while the source is a format string.
    """
    sources = [msgid] + ([msgid_plural] if msgid_plural is not None else [])
    wanted = [Counter(directives(s)[0]) for s in sources]
    if not any(wanted):
        # not a format string: gettext() is called without variables, nothing is formatted;
        # a directive added by the translator is still refused (it would be a new variable)
        found = [d for d in directives(msgstr)[0] if d != "%%"]
        return (f"placeholders differ: the source has none, the translation has "
                f"{', '.join(found)}") if found else None
    found, stray = directives(msgstr)
    if stray:
        return (f"a '%' at character {stray[0] + 1} starts no placeholder (write '%%' for a "
                "percent sign in a string with placeholders)")
    if Counter(found) in wanted:
        return None
    expected = " or ".join(", ".join(sorted(w.elements())) for w in wanted)
    return (f"placeholders differ: the source has {expected}, the translation has "
            f"{', '.join(sorted(found)) or 'none'} (names, flags, width and precision must be "
            "exactly the source's)")


def markup_of(text: str) -> Counter:
    """The inline markup of Markdown ``text`` as the site renders it
    (:func:`webapp.content.render_inline`'s parser): a multiset of ``link -> <href>``
    (autolinks too, the target as the renderer normalises it), ``image -> <src>``, raw HTML
    and ``code``, ``em``, ``strong``, ``s`` spans."""
    from webapp.content import _MD
    out: Counter = Counter()
    for block in _MD.parseInline(text):
        for tok in block.children or ():
            if tok.type == "link_open":
                out[f"link -> {tok.attrGet('href')}"] += 1
            elif tok.type == "image":
                out[f"image -> {tok.attrGet('src')}"] += 1
            elif tok.type in ("html_inline", "html_block"):
                out[f"html {tok.content}"] += 1
            elif tok.type.endswith("_open") or tok.type == "code_inline":
                out[tok.type.removesuffix("_open").removesuffix("_inline")] += 1
    return out


def markup_problem(source: str, translation: str) -> str | None:
    """Why an article msgstr's markup may not replace its source's, or None: every link
    target, image and span of the translation must be the source's (same multiset)."""
    src, dst = markup_of(source), markup_of(translation)
    if src == dst:
        return None
    extra, missing = dst - src, src - dst
    parts = []
    if extra:
        parts.append(f"not in the source: {', '.join(sorted(extra.elements()))}")
    if missing:
        parts.append(f"missing from the translation: {', '.join(sorted(missing.elements()))}")
    return "markup differs from the source's (" + "; ".join(parts) + ")"


def tree_problems(folder: Path | str, shown: str) -> list[str]:
    """``<shown>/<path>: message`` for every entry of ``folder`` that is a symbolic link;
    ``[]`` when there is none (or the folder does not exist).

    :param shown: the folder as messages name it (``static``, ``content``).
    Walks with ``os.scandir`` without following links (one directory read per folder, no
    ``stat`` per file) and never opens a file: with no link below ``folder``, nothing in it
    can resolve outside it (a directory entry cannot be named ``..``).
    """
    root = Path(folder)
    if not root.is_dir():
        return []
    problems = []
    pending = [(str(root), "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                rel = f"{prefix}{entry.name}"
                if entry.is_symlink():
                    problems.append(f"{shown}/{rel}: is a symbolic link: refused (a link could "
                                    f"publish a file from outside {shown}/); copy the file in "
                                    "instead")
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{rel}/"))
    return sorted(problems)
