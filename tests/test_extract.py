"""The Babel extractor (webapp/desk/extract.py) and the loader agree on what an article is: the
same files give messages, the same folders are refused with the same lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from webapp.content import ContentError, load_articles

HEAD = "---\ntitle: 标题\n"
METHOD_MAP = [("**.md", "webapp.desk.extract:extract_article")]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def extract(folder: Path, **options) -> list[tuple]:
    """What ``pybabel extract -F babel.cfg <folder>`` collects: (file, line, context, msgid, comments)."""
    return [(Path(filename).name, line, context, message, comments)
            for filename, line, message, comments, context in extract_from_dir(
                str(folder), METHOD_MAP, options_map={"**.md": options})]


def loader_error(folder: Path) -> str:
    with pytest.raises(ContentError) as err:
        load_articles(folder)
    return str(err.value)


def extractor_error(folder: Path, **options) -> str:
    with pytest.raises(ContentError) as err:
        extract(folder, **options)
    return str(err.value)


def test_one_message_per_block_with_the_kinds_note(tmp_path):
    write(tmp_path, "a.md", HEAD + "figures:\n  - caption: 图一\n---\n\n第一段。\n\n## 小标题\n\n第二段。\n")
    blocks = load_articles(tmp_path)["a"].blocks
    assert [(b.line, b.msgctxt, b.text) for b in blocks] == [
        (2, "a/title", "标题"), (4, blocks[1].msgctxt, "图一"), (7, blocks[2].msgctxt, "第一段。"),
        (9, blocks[3].msgctxt, "小标题"), (11, blocks[4].msgctxt, "第二段。")]
    assert extract(tmp_path) == [
        ("a.md", b.line, b.msgctxt, b.text, [note]) for b, note in zip(blocks, [
            "Headline", "Photo caption", "Body paragraph 1 of 2", "Section heading",
            "Body paragraph 2 of 2"], strict=True)]


def test_files_the_loader_ignores_give_no_message(tmp_path):
    write(tmp_path, "a.md", HEAD + "---\n")
    write(tmp_path, "README.md", "# 本文件夹的说明\n\n不是文章。\n")
    write(tmp_path, ".drafts/b.md", HEAD + "---\n")
    assert list(load_articles(tmp_path)) == ["a"]
    assert [m[0] for m in extract(tmp_path)] == ["a.md"]


@pytest.mark.parametrize("name", ["2026/x.md", "x.MD", "x.markdown", "Bad Name.md", "notes.txt"])
def test_what_the_loader_refuses_the_extractor_refuses_with_the_same_message(tmp_path, name):
    write(tmp_path, "a.md", HEAD + "---\n")
    write(tmp_path, name, HEAD + "---\n")
    assert extractor_error(tmp_path) == loader_error(tmp_path)


def test_a_subfolder_is_refused_even_when_it_is_extracted_alone(tmp_path):
    """With ``content_dir`` set (babel.cfg), a file in a subfolder is judged against the
    content folder, even when no other article would have been extracted first."""
    write(tmp_path, "2026/x.md", HEAD + "---\n")
    assert "folders in content/ are not read" in extractor_error(tmp_path, content_dir=str(tmp_path))


def test_a_broken_link_is_refused_like_the_loader_does(tmp_path):
    write(tmp_path, "a.md", HEAD + "---\n")
    (tmp_path / "z-gone.txt").symlink_to(tmp_path / "nowhere")
    message = extractor_error(tmp_path)
    assert message == loader_error(tmp_path) and "broken symbolic link" in message


def test_a_malformed_article_fails_extraction_with_file_and_line(tmp_path):
    (tmp_path / "gbk.md").write_bytes("---\ntitle: 金坛\n---\n".encode("gbk"))
    message = extractor_error(tmp_path)
    assert message == loader_error(tmp_path)
    assert message.startswith(f"{tmp_path / 'gbk.md'}:2: not valid UTF-8")
