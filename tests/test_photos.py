"""Photos from the newsroom to the reader (issue 25, docs/photos.md): what the release makes of
a phone's photo (upright, private, sRGB, sized, hashed), what it refuses with file:line, and
what the page, the feed and the sharing metadata show."""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps

from scripts.photo_fixtures import SERIAL_NUMBER, photo_bytes, picture, write_photo
from tests.helpers import UNDATED, build_command
from webapp.publish import images
from webapp.publish.build import BuildError

OLD_BRIDGE = f"{UNDATED}.md"


def outputs(pool: Path, photo) -> list[Path]:
    return [pool / f for f in photo.files()]


def test_a_phone_photo_comes_out_upright_without_gps_or_serial_in_every_width(tmp_path):
    # stored sideways (1200 x 1600) with EXIF orientation 6, as a phone held upright writes it
    data = photo_bytes(size=(1200, 1600), seed=5, orientation=6)
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)  # the fixture really carries a GPS position
    assert SERIAL_NUMBER.encode() in data and b"GPSLatitude" in data
    photo = images.process(data, tmp_path, "x")
    assert (photo.width, photo.height) == (1600, 1200)
    assert [r.width for r in photo.sources["image/avif"]] == [320, 480, 640, 800, 1080, 1280, 1600]
    assert [r.width for r in photo.sources["image/jpeg"]] == [320, 480, 640, 800, 1080, 1280, 1600]
    upright = ImageOps.exif_transpose(source).convert("RGB")
    for path in outputs(tmp_path, photo):
        raw = path.read_bytes()
        assert SERIAL_NUMBER.encode() not in raw and b"GPS" not in raw and b"xmpmeta" not in raw
        with Image.open(path) as out:
            assert not out.getexif(), path.name
            assert "icc_profile" not in out.info and "xmp" not in out.info
            assert out.width > out.height, path.name      # upright: landscape
            small = out.convert("RGB").resize((64, 48))
        right = ImageChops.difference(small, upright.resize((64, 48))).tobytes()
        wrong = ImageChops.difference(small, source.convert("RGB").resize((64, 48))).tobytes()
        assert sum(right) * 3 < sum(wrong), path.name
    assert photo.share.width == 1200 and photo.share.path.endswith(".jpg")


def test_names_are_content_hashed_and_a_small_photo_is_never_upscaled(tmp_path):
    data = photo_bytes(size=(1000, 750), seed=2)
    photo = images.process(data, tmp_path, "small")
    assert [r.width for r in photo.sources["image/jpeg"]] == [320, 480, 640, 800, 1000]
    assert photo.share.width == 1000
    for path in outputs(tmp_path, photo):
        assert re.fullmatch(r"small-(\d+|share)\.[0-9a-f]{12}\.(avif|jpg)", path.name)
    assert images.process(data, tmp_path, "small") == photo    # same bytes, same names


def test_the_placeholder_is_a_tiny_svg_the_csp_allows(tmp_path):
    photo = images.process(photo_bytes(size=(800, 600), seed=3), tmp_path, "p")
    assert photo.placeholder.startswith("data:image/svg+xml,")   # img-src 'self' data:
    assert len(photo.placeholder) <= 1024
    assert re.fullmatch(r"#[0-9a-f]{6}", photo.color)


def test_cmyk_and_icc_tagged_photos_become_plain_srgb(tmp_path):
    buf = io.BytesIO()
    Image.new("CMYK", (400, 300), (255, 0, 0, 0)).save(buf, "JPEG", quality=95)   # cyan ink
    photo = images.process(buf.getvalue(), tmp_path, "cmyk")
    with Image.open(tmp_path / photo.sources["image/jpeg"][0].path) as out:
        assert out.mode == "RGB"
        r, g, b = out.getpixel((10, 10))
    assert r < 40 and g > 200 and b > 200
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buf = io.BytesIO()
    picture((400, 300), 4).save(buf, "JPEG", icc_profile=srgb)
    photo = images.process(buf.getvalue(), tmp_path, "icc")
    for path in outputs(tmp_path, photo):
        with Image.open(path) as out:
            assert "icc_profile" not in out.info


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    buf = io.BytesIO()
    Image.new("L", (8, 8)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("notes.jpg", "这不是图片".encode(), "not an image"),
    ("truncated.jpg", None, "damaged or truncated"),
    ("bomb.png", _png_claiming(20000, 20000), "too large to decode safely"),
    ("chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "SVG is not accepted"),
])
def test_bad_photos_stop_the_release_with_the_figure_line(site_copy, tmp_path, name, data,
                                                          message):
    if data is None:
        data = photo_bytes(size=(800, 600))[:20000]
    (site_copy.root / "photos").mkdir(exist_ok=True)
    (site_copy.root / "photos" / name).write_bytes(data)
    site_copy.edit(UNDATED, "image: old-bridge.jpg", f"image: {name}")
    proc = build_command(site_copy.config())
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    problems = [line.strip() for line in proc.stderr.splitlines()[1:]]
    assert len(problems) == 1, proc.stderr
    assert problems[0].startswith(f"content/{OLD_BRIDGE}:6: figure image "
                                  f"photos/{name}: "), proc.stderr
    assert message in problems[0], proc.stderr


def test_a_referenced_photo_that_is_missing_stops_the_release(site_copy):
    site_copy.edit(UNDATED, "image: old-bridge.jpg", "image: gone.jpg")
    with pytest.raises(BuildError) as err:
        site_copy.release()
    assert err.value.problems == [
        f"content/{OLD_BRIDGE}:6: figure image photos/gone.jpg does not exist "
        "(photos go in photos)"]


def test_an_unchanged_photo_costs_no_processing(site_copy, monkeypatch):
    site_copy.release()
    site_copy.edit(UNDATED, "这座石桥已经有三百年历史。", "这座石桥已有三百年历史。")

    def fail(*args, **kwargs):
        raise AssertionError("an unchanged photo was processed again")
    monkeypatch.setattr(images, "process", fail)
    release = site_copy.release()
    assert release.exists()
    write_photo(site_copy.root / "photos" / "old-bridge.jpg", size=(640, 480), seed=8)
    with pytest.raises(AssertionError, match="processed again"):   # a changed photo is
        site_copy.release()


def test_the_page_shows_a_picture_sized_and_prioritised(client):
    page = client.get(f"/en/{UNDATED}/").get_data(as_text=True)
    figure = page.split('<figure class="figure"', 1)[1].split("</figure>", 1)[0]
    source = re.search(r'<source type="image/avif" srcset="([^"]+)" sizes="([^"]+)">', figure)
    assert source and source[2] == "(min-width: 38em) 36em, calc(100vw - 2rem)"
    assert [c.rsplit(" ", 1)[1] for c in source[1].split(", ")] == ["320w", "480w", "640w"]
    img = re.search(r"<picture>.*?<img ([^>]+)>", figure, re.S)[1]
    assert 'width="640" height="480"' in img and 'fetchpriority="high"' in img
    assert "loading=" not in img        # the lead photo is never lazy
    assert 'alt="Coloured ellipses scattered on a gradient (a generated test picture)"' in img
    assert re.search(r'srcset="/static/photos/old-bridge-[0-9a-f]{8}-320\.[0-9a-f]{12}\.jpg 320w',
                     img)
    assert '<span class="credit" id="cr-5d546931">Test picture: Wang Bingying</span>' in figure
    assert "style=" not in figure
    for url in re.findall(r"(/static/photos/[^\s\"]+)", figure):
        resp = client.get(url)
        assert resp.status_code == 200 and "immutable" in resp.headers["Cache-Control"], url
        resp.close()
    zh = client.get(f"/zh/{UNDATED}/").get_data(as_text=True)
    assert 'alt="渐变背景上散布着彩色椭圆（生成的测试图片）"' in zh and "测试图片 王冰莹 摄" in zh
    assert "(min-width: 36em) 34em, calc(100vw - 2rem)" in zh


def test_photos_after_the_lead_load_lazily(site_copy):
    write_photo(site_copy.root / "photos" / "second.jpg", size=(900, 600), seed=9)
    site_copy.edit(UNDATED, '    credit: "测试图片 王冰莹 摄"\n',
                   '    credit: "测试图片 王冰莹 摄"\n  - caption: "第二张"\n    image: second.jpg\n'
                   '    alt: "第二张图"\n')
    client = site_copy.app().test_client()
    page = client.get(f"/zh/{UNDATED}/").get_data(as_text=True)
    imgs = re.findall(r"<picture>.*?<img ([^>]+)>", page, re.S)
    assert len(imgs) == 2
    assert 'fetchpriority="high"' in imgs[0] and "loading" not in imgs[0]
    assert 'loading="lazy" decoding="async"' in imgs[1] and "fetchpriority" not in imgs[1]
    assert 'width="900" height="600"' in imgs[1]
    # the lead above the body; the next photo among the paragraphs, below the first screen
    order = [page.index(x) for x in ("<picture>", "这座石桥已经有三百年历史。", "第二张图")]
    assert order == sorted(order)


def test_sharing_metadata_and_feed_carry_the_photo_with_absolute_urls(client):
    page = client.get(f"/en/{UNDATED}/").get_data(as_text=True)
    og = dict(re.findall(r'<meta property="(og:image[^"]*)" content="([^"]+)">', page))
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/static/photos/old-bridge-\w+-share\.\w+\.jpg",
                        og["og:image"])
    assert (og["og:image:width"], og["og:image:height"]) == ("640", "480")
    assert og["og:image:alt"].startswith("Coloured ellipses")
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page)[1])
    assert ld["image"] == [{"@type": "ImageObject", "url": og["og:image"], "width": 640,
                            "height": 480}]


def test_the_feed_carries_the_photos_with_absolute_urls(site_copy):
    site_copy.edit(UNDATED, 'title: "老桥的故事"\n', 'title: "老桥的故事"\npublished: 2026-04-01\n')
    feed = site_copy.app().test_client().get("/zh/feed.atom").get_data(as_text=True)
    entry = feed.split("老桥的故事", 1)[1].split("</entry>", 1)[0]
    img = re.search(r"&lt;img src=&(?:#34|quot);(http://127\.0\.0\.1:8000/static/photos/"
                    r"old-bridge-[^&]+\.jpg)&(?:#34|quot);", entry)
    assert img, entry
    assert "渐变背景上散布着彩色椭圆" in entry and "测试图片 王冰莹 摄" in entry


def test_an_iphone_heic_photo_is_accepted_and_stripped(tmp_path):
    import pillow_heif
    heif = pillow_heif.from_pillow(picture((1200, 900), 6))
    buf = io.BytesIO()
    tagged = Image.open(io.BytesIO(photo_bytes(size=(8, 6)))).getexif().tobytes()
    heif.save(buf, exif=tagged)
    assert b"ftypheic" in buf.getvalue()[:32] and SERIAL_NUMBER.encode() in buf.getvalue()
    photo = images.process(buf.getvalue(), tmp_path, "heic")
    assert (photo.width, photo.height) == (1200, 900)
    for path in outputs(tmp_path, photo):
        assert SERIAL_NUMBER.encode() not in path.read_bytes()
