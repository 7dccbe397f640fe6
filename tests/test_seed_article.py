"""Acceptance tests of the seed article, content/jintan-new-energy.md, and its committed
catalogs: the newsroom's first feature as readers get it. Everything generic is tested on the
fixture articles (tests/data); only this file knows the seed."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.helpers import BASE, SEED_SLUG, catalogs_command, markup, parse_page, plain, read_catalog
from webapp.desk.catalogs import update_article
from webapp.config import ROOT
from webapp.content import parse_article

SEED_TEXT = ROOT / "tests" / "data" / "seed-jintan.txt"  # the newsroom's text, as scraped
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def seed():
    return parse_article(ROOT / "content" / f"{SEED_SLUG}.md")


def catalog(locale):
    return read_catalog(ROOT / f"translations/{locale}/LC_MESSAGES/articles/{SEED_SLUG}.po",
                        locale)


def test_the_article_holds_everything_the_seed_holds(seed):
    assert seed.title.text == "小城市如何打造“大产业”？"
    assert seed.subtitle.text == "探究金坛新春“第一会”背后的答案"
    assert [b.text for b in seed.authors] == ["师杰", "王冰莹", "陈月乔"]
    assert seed.byline_label.text == "全媒体记者"
    assert seed.note.text.startswith("决定一个城市崛起的推动力是什么？")
    assert [f.caption.text for f in seed.figures] == [
        "1月29日上午，金坛召开聚焦新能源之都建设、深入推进“五大行动”动员大会",
        "金坛盐穴压缩空气储能国家试验示范项目",
        "中创新航新能源产业“新蓝海”",
    ]
    assert all(f.image is None for f in seed.figures)  # the seed has no photos
    assert len([b for b in seed.body if b.kind == "paragraph"]) == 12
    assert len(seed.blocks) == 41
    assert seed.quotes_heading.text == "奋斗者说"
    assert [(q.speaker.text, q.role.text[:6]) for q in seed.quotes] == [
        ("杨红新", "蜂巢能源科技"), ("崔洪皓", "爱思开电池材"), ("杨红强", "贝特瑞新材料"),
        ("朱旦", "常州裕能石英"), ("孔德馨", "直溪镇副镇长"), ("张英", "金坛区发改局"),
    ]
    assert seed.published is None  # no date in the seed: none invented
    assert str(seed.updated) == "2026-11-29"


def test_every_seed_paragraph_is_in_the_article_and_the_banner_is_not(seed):
    """Compare with the seed itself, ignoring the half-width punctuation the scrape left."""
    def norm(s):
        return re.sub(r"[\s,，:：?？()（）*]", "", s)
    lines = [line for line in SEED_TEXT.read_text("utf-8").splitlines() if line.strip()]
    banner, article_lines = lines[-3:], lines[:-3]
    article_text = norm("".join(b.text for b in seed.blocks))
    for line in article_lines:
        body = norm(line.lstrip("#").replace("编者按", "").replace("奋斗者说", ""))
        # a quote heading line is "role name": both parts are in the article, in order
        assert body in article_text or all(norm(p) in article_text
                                           for p in line.strip("*: ").split()), line
    for line in banner:
        assert norm(line) not in article_text


def test_the_project_catalogs_are_complete(seed):
    proc = catalogs_command({}, "check")
    assert proc.returncode == 0, proc.stderr
    for locale in ("en", "zh_Hant"):
        cat = catalog(locale)
        for block in seed.blocks:
            msg = cat.get(block.text, context=block.msgctxt)
            assert msg and msg.string and not msg.fuzzy, (locale, block.id)


def test_the_committed_zh_hant_catalog_is_what_a_refresh_gives(seed, tmp_path):
    """`make translations` on the repo changes no msgstr: the committed file is up to date,
    the editors' corrections of OpenCC included."""
    translations = tmp_path / "translations"
    for locale in ("en", "zh_Hant"):
        src = ROOT / f"translations/{locale}/LC_MESSAGES/articles/{SEED_SLUG}.po"
        (translations / locale / "LC_MESSAGES" / "articles").mkdir(parents=True)
        (translations / locale / "LC_MESSAGES" / "articles" / src.name).write_bytes(
            src.read_bytes())
    update_article(seed, translations, tmp_path / "gettext", force=True)
    for locale in ("en", "zh_Hant"):
        fresh = read_catalog(translations / locale / "LC_MESSAGES" / "articles" /
                             f"{SEED_SLUG}.po", locale)
        assert {(m.context, m.id): m.string for m in fresh if m.id} == \
            {(m.context, m.id): m.string for m in catalog(locale) if m.id}


def test_make_translations_on_a_fresh_checkout_rewrites_no_catalog(tmp_path):
    """The committed catalogs are byte for byte what `make translations` writes: on a fresh
    clone the cycle leaves them alone, so a translator's diff shows only their own work."""
    import shutil
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    before = {p: p.read_bytes() for p in translations.rglob("*.po")}
    proc = catalogs_command({"CONTENT_DIR": ROOT / "content", "TRANSLATIONS_DIR": translations,
                             "BUILD_DIR": tmp_path / "build"}, "update")
    assert proc.returncode == 0, proc.stderr
    changed = [str(p.relative_to(translations)) for p, data in before.items()
               if p.read_bytes() != data]
    assert changed == []


def test_traditional_text_reads_right():
    text = " ".join(m.string for m in catalog("zh_Hant") if m.id)
    for word in ("金壇", "產業", "動力電池", "儲能", "中創新航", "蜂巢能源", "常州"):
        assert word in text, word
    for simplified in ("金坛", "产业", "储能", "中创新航"):
        assert simplified not in text, simplified
    # no Taiwan-only phrase substitution (s2twp's) changed a name, slogan or meaning
    assert "專案" not in text and "「項目為王」" in text and text.count("項目") == 9
    assert "叢集" not in text and "產業集群" in text
    assert "主機板" not in text and "交易所主板" in text      # stock exchange main board
    assert "服務視窗" not in text and "服務窗口" in text       # a service counter, not a GUI window
    assert "中高階" not in text and "智慧製造" not in text and "執行長" not in text
    assert "師杰" in text and "師傑" not in text              # a reporter's name, as she writes it
    # Traditional quotation marks, never the Simplified curly ones
    assert "「大產業」" in text and not any(q in text for q in "“”‘’")


@pytest.mark.parametrize("seg, locale", [("zh", "zh"), ("en", "en"), ("zh-hant", "zh_Hant")])
def test_every_block_is_on_the_page_in_the_readers_language(seed_client, seed, seg, locale):
    resp = seed_client.get(f"/{seg}/{SEED_SLUG}/")
    assert resp.status_code == 200
    page = markup(resp.get_data(as_text=True))
    parsed = parse_page(page)
    cat = catalog(locale) if locale != "zh" else None
    for block in seed.blocks:
        if block.kind == "alt":
            continue
        text = block.text if cat is None else cat.get(block.text, context=block.msgctxt).string
        assert plain(text) in parsed.by_id[block.id]["text"], block.id
        assert "zh-Hans" not in parsed.by_id[block.id]["text_langs"] or locale == "zh"
    assert "data-untranslated" not in page and "translation-status" not in page
    assert page.count("<blockquote") == 6 and "<img" not in page.split("<body>", 1)[1]
    titles = {"zh": "小城市如何打造“大产业”？", "zh_Hant": "小城市如何打造「大產業」？",
              "en": "How can a small city build a “big industry”?"}
    assert f'<h1 id="title">{titles[locale]}</h1>' in page
    minutes = int(re.search(r'class="reading-time">\D*(\d+)', page)[1])
    assert 1 < minutes < 30


def test_the_seed_is_on_the_front_page_and_in_the_feeds_sitemap_and_json_ld(seed_client):
    for seg in ("zh", "en", "zh-hant"):
        assert f'href="/{seg}/{SEED_SLUG}/"' in seed_client.get(f"/{seg}/").get_data(as_text=True)
    entry = ET.fromstring(seed_client.get("/zh-hant/feed.atom").data).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text == f"{BASE}/zh-hant/{SEED_SLUG}/"
    assert entry.find(f"{ATOM}updated").text == "2026-11-29T00:00:00+08:00"
    assert entry.find(f"{ATOM}published") is None  # the seed's publication date is unknown
    assert entry.find(f"{ATOM}title").text == "小城市如何打造「大產業」？"
    assert entry.find(f"{ATOM}summary").text == "探究金壇新春「第一會」背後的答案"
    assert [a.find(f"{ATOM}name").text for a in entry.findall(f"{ATOM}author")] == \
        ["師杰", "王冰瑩", "陳月喬"]   # a name converted character by character, never "corrected"
    month = ET.fromstring(seed_client.get("/sitemaps/2026-11.xml").data)
    lastmods = {u.find(f"{SM}loc").text: u.find(f"{SM}lastmod").text
                for u in month.findall(f"{SM}url")}
    assert lastmods[f"{BASE}/en/{SEED_SLUG}/"] == "2026-11-29"
    page = seed_client.get(f"/en/{SEED_SLUG}/").get_data(as_text=True)
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page)[1])
    assert [a["name"] for a in ld["author"]] == ["Shi Jie", "Wang Bingying", "Chen Yueqiao"]
    assert ld["dateModified"] == "2026-11-29T00:00:00+08:00" and "datePublished" not in ld
    assert ld["headline"] == "How can a small city build a “big industry”?"



def _bylines(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", p))).strip()
            for p in re.findall(r'<p class="[^"]*byline"[^>]*>(.*?)</p>', page, re.S)]


@pytest.mark.parametrize("seg, want", [
    ("en", "By multimedia reporters Shi Jie, Wang Bingying and Chen Yueqiao"),
    ("zh", "全媒体记者 师杰 王冰莹 陈月乔"),
    ("zh-hant", "全媒體記者 師杰 王冰瑩 陳月喬"),
])
def test_the_byline_reads_as_the_locale_writes_one(seed_client, seg, want):
    """STYLE.md, Byline: the label reads into the names, and English lists take no serial
    comma ("A, B and C"), on the article page and in the English cell of the parallel view."""
    assert want in _bylines(seed_client.get(f"/{seg}/{SEED_SLUG}/").get_data(as_text=True))
    if seg == "en":
        assert want in _bylines(seed_client.get(f"/en/{SEED_SLUG}/parallel/").get_data(as_text=True))


def test_the_traditional_parallel_view_of_the_seed_is_traditional(seed_client):
    """中英對照 on the Traditional article pairs Traditional Chinese with the English."""
    page = seed_client.get(f"/zh-hant/{SEED_SLUG}/parallel/").get_data(as_text=True)
    assert "小城市如何打造「大產業」？" in page and "How can a small city build" in page
    assert "小城市如何打造“大产业”？" not in page and "金坛" not in page
