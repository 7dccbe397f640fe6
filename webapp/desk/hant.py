"""Fill the Traditional Chinese (``zh_Hant``) catalogs from the Simplified source (OpenCC and
a phrase dictionary).

The translation cycle (``make translations``, :mod:`webapp.desk.catalogs`) calls
:func:`refresh_domain` for each article's catalog and for the UI catalog: it writes the
zh_Hant ``.po`` with one entry per entry of the domain's template, in the template's order:

=========== ===================================== ==========================================
domain      msgid                                 Simplified source converted
=========== ===================================== ==========================================
``article`` the Chinese block (Simplified)        the msgid itself
``messages``English UI string                     the ``zh`` catalog's msgstr (if usable)
=========== ===================================== ==========================================

Conversion (:func:`convert`), one pipeline for both domains:

1. the project phrase dictionary ``translations/opencc/phrases.tsv`` (longest match first):
   a Simplified phrase listed there is written exactly as its Traditional form;
2. OpenCC ``s2tw`` for the rest: Traditional characters in Taiwan's standard forms
   (為, 裡, 線), character by character and through OpenCC's own phrase table, but **no
   regional vocabulary** (项目 stays 項目, 集群 stays 集群, 软件 stays 軟件). ``s2twp`` was
   dropped because its Taiwan phrase substitutions changed proper names, slogans and
   meanings (项目为王 -> 專案為王, 集群 -> 叢集, 高端 -> 高階), and read as Taiwan-only to
   the Hong Kong and Macau readers who land on the same catalog; plain ``s2t`` writes
   OpenCC's own standard forms (爲, 説, 羣), which neither Taiwan nor Hong Kong uses;
3. quotation marks to the Traditional convention: “ ” and ‘ ’ become 「 」 at the outer level
   and 『 』 inside, alternating by nesting depth (a closing mark without its opening one is
   left as it is, for the QA check to report).

The files are ordinary ``.po`` catalogs: an editor corrects an entry in Poedit or a text
editor, and the correction survives every later refresh. The rule, per entry:

1. no entry yet, an empty msgstr, or a ``fuzzy`` one: convert;
2. the Simplified source changed since the last refresh: convert again (the stored source
   hash differs; if the old msgstr was a hand correction, it is listed on stdout so the editor
   can redo it for the new text). For article text the msgid *is* the source and its block id
   changes with it, so an edited paragraph is simply a new entry;
3. the msgstr is the machine output (equal to the current conversion, or to the output
   recorded at the last refresh, e.g. before an OpenCC upgrade): convert again;
4. otherwise the msgstr was corrected by hand: keep it.

Steps 2 and 3 read one translator comment per entry, written by this module:
``# opencc s2tw src:<hash> out:<hash>`` (12 hex digits of SHA-256 of the Simplified source
and of the machine output: dictionary, OpenCC and quotation marks together, so a dictionary
entry added later reaches every entry that is still machine output). An entry whose comment
names another configuration (``s2twp`` before this pipeline) is converted again, and if its
msgstr had been corrected by hand the refresh lists it for review, as after a source
change. Without that comment (deleted by an editor) an entry that differs from the
conversion counts as corrected. Entries are never marked fuzzy: the catalogs ship as
written. Entries whose template entry is gone are dropped. Other translator comments are kept.
Writing is deterministic (same inputs, same bytes; the revision date moves only when an
entry changes), so a refresh that changes nothing leaves ``git diff`` empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po

from webapp.config import ROOT
from webapp.locales import HANT
from webapp.po import read_catalog   # file:line errors for a broken catalog

DOMAINS = ("article", "messages")
CONFIG = "s2tw"
PHRASES = ROOT / "translations" / "opencc" / "phrases.tsv"
MARK_RE = re.compile(r"^opencc (?P<config>\S+) src:(?P<src>[0-9a-f]{12}) out:(?P<out>[0-9a-f]{12})$")
HEADER = """\
# Traditional Chinese catalog for Jintan Reader (Taiwan, Hong Kong and Macau readers).
# Filled from the Simplified source by `make translations`: the phrase dictionary
# translations/opencc/phrases.tsv, OpenCC s2tw and 「」 quotation marks; see webapp/desk/hant.py.
# Correct any entry by hand: later refreshes keep the correction."""

_converter = None
_phrases: dict[str, str] | None = None


class PhraseError(ValueError):
    """The phrase dictionary is malformed. ``str()`` is ``path:line: message``."""


def load_phrases(path: Path | str = PHRASES) -> dict[str, str]:
    """Read a phrase dictionary: ``Simplified<TAB>Traditional<TAB>why`` per line.

    :param path: the ``.tsv`` file (default: ``translations/opencc/phrases.tsv``).
    :returns: ``{simplified: traditional}``; ``{}`` when the file does not exist.
    :raises PhraseError: ``path:line: message`` for a line without three tab-separated
        fields, an empty phrase, a reason missing, or a phrase listed twice.
    Blank lines and lines starting with ``#`` are skipped.
    """
    path = Path(path)
    if not path.exists():
        return {}
    phrases: dict[str, str] = {}
    seen: dict[str, int] = {}
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not all(f.strip() for f in fields):
            raise PhraseError(f"{path}:{n}: expected Simplified<TAB>Traditional<TAB>why, "
                              f"got {line!r}")
        simplified, traditional = fields[0].strip(), fields[1].strip()
        if simplified in seen:
            raise PhraseError(f"{path}:{n}: {simplified!r} is already listed on line "
                              f"{seen[simplified]}")
        seen[simplified] = n
        phrases[simplified] = traditional
    return phrases


OPENERS = {"“": "”", "‘": "’"}
CORNERS = (("「", "」"), ("『", "』"))   # depth 0, 2, 4 ...: 「」; depth 1, 3 ...: 『』


def corner_quotes(text: str) -> str:
    """Curly quotation marks to Traditional corner brackets, nested right.

    ``“a‘b’c”`` -> ``「a『b』c」``: an opening mark at even depth becomes 「, at odd depth 『;
    its closing mark becomes the partner. A closing mark that does not close the innermost
    open quote (a stray ”, an apostrophe ’) is kept unchanged; an unclosed opening mark
    stays converted. Source of the rule: Taiwan MOE 《重訂標點符號手冊》 (引號: 先用「」,
    引號內再用『』) and Hong Kong usage.
    """
    out, stack = [], []
    for ch in text:
        if ch in OPENERS:
            out.append(CORNERS[len(stack) % 2][0])
            stack.append(ch)
        elif stack and ch == OPENERS[stack[-1]]:
            stack.pop()
            out.append(CORNERS[len(stack) % 2][1])
        else:
            out.append(ch)
    return "".join(out)


def _opencc(text: str) -> str:
    global _converter
    if _converter is None:
        from opencc import OpenCC  # the C++ OpenCC's own binding, from a wheel
        _converter = OpenCC(CONFIG)
    return _converter.convert(text) if text else text


def convert(text: str) -> str:
    """Simplified -> Traditional for every zh-Hant reader (see the module's "Conversion").

    :param text: Simplified Chinese (may contain Latin text, digits, placeholders).
    :returns: the Traditional text: phrase dictionary, then OpenCC ``s2tw`` around the
        dictionary's phrases, then corner-bracket quotation marks; Markdown link
        destinations and autolinks are kept exactly (an address is not text).
    :raises ImportError: if the ``opencc`` package (pinned in requirements.txt) is missing.
    :raises PhraseError: if ``translations/opencc/phrases.tsv`` is malformed.
    """
    out, last = [], 0
    for m in _LINK_TARGET.finditer(text):
        start, end = m.span("dest") if m.group("dest") is not None else m.span()
        out += [_convert_text(text[last:start]), text[start:end]]
        last = end
    out.append(_convert_text(text[last:]))
    return corner_quotes("".join(out))


# Link destinations in inline Markdown (CommonMark 0.31.2 §6.3 link destinations, §6.5
# autolinks): an address, never text, so never converted (金坛区 in a URL is another page).
_LINK_TARGET = re.compile(
    r"\]\(\s*(?P<dest><[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+)"
    r"|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>")


def _convert_text(text: str) -> str:
    """:func:`convert` without link handling and quotation marks: the phrase dictionary, then
    OpenCC around its phrases."""
    global _phrases
    if _phrases is None:
        _phrases = load_phrases(PHRASES)
    pieces: list[str] = []
    plain: list[str] = []
    longest = max(map(len, _phrases), default=0)
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            hit = _phrases.get(text[i:i + size])
            if hit is not None:
                pieces.append(_opencc("".join(plain)))
                pieces.append(hit)
                plain = []
                i += size
                break
        else:
            plain.append(text[i])
            i += 1
    pieces.append(_opencc("".join(plain)))
    return "".join(pieces)


def _digest(value: str | tuple) -> str:
    text = "\x00".join(value) if isinstance(value, (tuple, list)) else value
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _convert(value: str | tuple) -> str | tuple:
    return tuple(convert(v) for v in value) if isinstance(value, (tuple, list)) else convert(value)


def _usable(msg: Message | None) -> bool:
    if msg is None or msg.fuzzy:
        return False
    strings = msg.string if isinstance(msg.string, (tuple, list)) else (msg.string,)
    return bool(strings) and all(strings)


@dataclass
class Report:
    """What a refresh did to one domain: entry keys (``msgctxt|msgid``, shortened) per outcome."""

    domain: str
    converted: list[str] = field(default_factory=list)      # machine output written
    kept: list[str] = field(default_factory=list)           # hand corrections kept
    superseded: list[str] = field(default_factory=list)     # corrections dropped: source changed
    no_source: list[str] = field(default_factory=list)      # nothing to convert (zh missing)
    changed: bool = False                                   # the .po file was rewritten

    def summary(self) -> str:
        return (f"{self.domain}: {len(self.converted)} converted, {len(self.kept)} kept "
                f"(corrected by hand), {len(self.superseded)} corrections replaced after a "
                f"source or conversion change, {len(self.no_source)} without a Simplified source")


def _key(msg: Message) -> str:
    msgid = msg.id[0] if isinstance(msg.id, (tuple, list)) else msg.id
    short = msgid if len(msgid) <= 40 else msgid[:39] + "…"
    return f"{msg.context}|{short}" if msg.context else short


def _read(path: Path, locale: str) -> Catalog | None:
    return read_catalog(path, locale) if path.exists() else None


def decide(existing: Message | None, source, machine) -> tuple[object, str]:
    """Apply the module's rule to one entry.

    :param existing: the entry in the current zh_Hant catalog, or None.
    :param source: the Simplified source (text, or tuple for plurals).
    :param machine: OpenCC's conversion of ``source``.
    :returns: (msgstr to write, outcome) with outcome ``converted``, ``kept`` or ``superseded``.
    """
    if existing is None or not _usable(existing):
        return machine, "converted"
    mark = next((m for m in map(MARK_RE.match, existing.user_comments) if m), None)
    current = existing.string if not isinstance(existing.string, list) else tuple(existing.string)
    is_machine = current == machine or (mark is not None and _digest(current) == mark["out"])
    if mark is not None and (mark["src"] != _digest(source) or mark["config"] != CONFIG):
        return machine, "converted" if is_machine else "superseded"
    if is_machine:
        return machine, "converted"
    return current, "kept"


def refresh_domain(domain: str, template: Path, target: Path,
                   source_catalog: Catalog | None = None) -> Report:
    """Rewrite one zh_Hant catalog from its template.

    :param domain: ``article`` (the msgid is the Simplified source) or ``messages`` (the
        source is ``source_catalog``'s msgstr for the same msgid and context).
    :param template: the domain's ``.pot``. :param target: the zh_Hant ``.po`` (created).
    :returns: a :class:`Report` of what was converted, kept or superseded.
    :raises webapp.po.CatalogError: ``path:line: message`` if the template is missing
        (run ``make translations`` first) or a catalog cannot be read.
    :raises PhraseError: if the phrase dictionary is malformed.
    """
    pot = read_catalog(template)
    old = _read(target, HANT)
    report = Report(domain)
    new = Catalog(
        locale=HANT, domain=domain, header_comment=HEADER,
        project=pot.project, version=pot.version, copyright_holder=pot.copyright_holder,
        msgid_bugs_address=pot.msgid_bugs_address,
        creation_date=old.creation_date if old else pot.creation_date,
        revision_date=old.revision_date if old else pot.creation_date,
        last_translator=f"OpenCC {CONFIG} + phrases.tsv (webapp/desk/hant.py)", language_team="Jintan Reader",
        charset="utf-8", fuzzy=False)
    for tmpl in pot:
        if not tmpl.id:
            continue
        existing = old.get(tmpl.id, context=tmpl.context) if old else None
        if domain == "article":
            source = tmpl.id
        else:
            zh = source_catalog.get(tmpl.id, context=tmpl.context) if source_catalog else None
            source = (tuple(zh.string) if isinstance(zh.string, (tuple, list)) else zh.string) \
                if _usable(zh) else None
        comments = [c for c in (existing.user_comments if existing else []) if not MARK_RE.match(c)]
        if source is None:
            string = existing.string if _usable(existing) else ("", "") if tmpl.pluralizable else ""
            report.no_source.append(_key(tmpl))
        else:
            machine = _convert(source)
            string, outcome = decide(existing, source, machine)
            getattr(report, outcome).append(_key(tmpl))
            comments.append(f"opencc {CONFIG} src:{_digest(source)} out:{_digest(machine)}")
        new.add(tmpl.id, string, locations=tmpl.locations, flags=set(tmpl.flags) - {"fuzzy"},
                auto_comments=tmpl.auto_comments, user_comments=comments, context=tmpl.context)

    def render(catalog: Catalog) -> bytes:
        buf = io.BytesIO()
        write_po(buf, catalog, width=0, ignore_obsolete=True)
        return buf.getvalue()

    before = target.read_bytes() if target.exists() else b""
    if old is None or _entries(old) != _entries(new):
        new.creation_date = pot.creation_date
        new.revision_date = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    data = render(new)
    if data != before:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        report.changed = True
    return report


def _entries(catalog: Catalog) -> list[tuple]:
    return [(m.context, m.id, m.string, tuple(m.user_comments), tuple(m.locations))
            for m in catalog if m.id]
