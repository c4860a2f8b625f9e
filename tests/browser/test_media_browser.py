"""The editor's "Tệp và ảnh" (media) screen in headless Chromium: an image uploaded through the
multipart form shows its thumbnail (served publicly under the unit's section, nosniff), becomes
an article's cover, and uploads that lie about their type or are over the size limit are refused
with the message next to the file field (the oversized one before its body is read)."""
import re
import struct
import urllib.request
import zlib

from selenium.webdriver.common.by import By

from test_editor_browser import APPROVER, EDITOR, click_and_wait, passwords, sign_in, state, step, write_article


def png(width, height):
    """A real RGB PNG, made here (zlib + struct), with a gradient."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\0" + bytes((x * 5 + y * 3) & 0xFF for x in range(width) for _ in range(3)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def upload(browser, portal, path, alt):
    browser.get(portal.base + "/quan-tri/tep")
    browser.find_element(By.ID, "f-file").send_keys(str(path))
    browser.find_element(By.ID, "f-alt_text").send_keys(alt)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form[enctype] button[type=submit]"))


def field_error(browser, name):
    els = browser.find_elements(By.ID, "f-" + name + "-error")
    return els[0].text if els else ""


def test_upload_an_image_see_its_thumbnail_and_make_it_a_cover(browser, portal, shots, tmp_path):
    sign_in(browser, portal, EDITOR)
    img = tmp_path / "le-ra-quan.png"
    img.write_bytes(png(640, 360))
    upload(browser, portal, img, "Học sinh dự lễ ra quân")
    assert "tai-len" in browser.current_url, browser.page_source[:3000]
    thumbs = browser.find_elements(By.CSS_SELECTOR, "ul.media-list img.thumb")
    assert thumbs and thumbs[0].get_attribute("alt") == "Học sinh dự lễ ra quân"
    # The thumbnail is a real PNG, at most 320 px wide, loaded by the browser.
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", thumbs[0]) == 320
    # No broken image on the screen (records imported without files show no thumbnail).
    for t in thumbs:
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", t), t.get_attribute("src")
    src = thumbs[0].get_attribute("src")
    assert re.search(r"/don-vi/[^/]+/pbgdpl/tep/[0-9a-f]{32}/thumb\.png$", src), src
    with urllib.request.urlopen(src) as r:
        assert r.headers["Content-Type"] == "image/png"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.read()[:8] == b"\x89PNG\r\n\x1a\n"
    # A path trick or another unit's path finds nothing.
    for bad in (src.replace("/thumb.png", "/..%2Fthumb.png"), re.sub(r"/don-vi/[^/]+/", "/don-vi/khac/", src)):
        try:
            urllib.request.urlopen(bad)
            raise AssertionError("served: " + bad)
        except urllib.error.HTTPError as e:
            assert e.code in (400, 404)
    browser.save_screenshot(str(shots / "editor-media.png"))
    # Its cover: chosen on the article form, kept after saving.
    article = write_article(browser, portal, "Bài có ảnh bìa")
    browser.get(portal.base + "/quan-tri/bai-viet/" + article)
    select = browser.find_element(By.ID, "f-cover")
    option = [o for o in select.find_elements(By.TAG_NAME, "option") if "Học sinh dự lễ ra quân" in o.text][0]
    option.click()
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    chosen = browser.find_element(By.CSS_SELECTOR, "#f-cover option:checked")
    assert "Học sinh dự lễ ra quân" in chosen.text
    # Another school's image (thcs-van-yen's, named by hand) is refused as a cover, next to the field.
    browser.execute_script("var o=document.createElement('option'); o.value='thong-bao-ngay-phap-luat'; o.selected=true;"
                           "document.getElementById('f-cover').appendChild(o);")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=save]"))
    assert "Ảnh bìa phải là ảnh của chính đơn vị viết bài" in browser.find_element(By.ID, "f-cover-error").text
    # Published, the public page shows the cover with its description.
    browser.get(portal.base + "/quan-tri/bai-viet/" + article)
    step(browser, "submit")
    sign_in(browser, portal, APPROVER)
    browser.get(portal.base + "/quan-tri/bai-viet/" + article)
    step(browser, "approve", password=passwords(portal)[APPROVER])
    step(browser, "publish")
    assert state(browser) == "Đã đăng"
    browser.get(portal.base + "/don-vi/th-van-yen/pbgdpl/bai-viet/" + article)
    cover = browser.find_element(By.CSS_SELECTOR, "article p.cover img")
    assert cover.get_attribute("alt") == "Học sinh dự lễ ra quân"
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", cover) == 640
    browser.save_screenshot(str(shots / "public-article-cover.png"))


def test_a_lying_or_oversized_upload_is_refused_next_to_the_field(browser, portal, tmp_path):
    sign_in(browser, portal, EDITOR)
    lying = tmp_path / "that-ra-la-png.jpg"
    lying.write_bytes(png(8, 8))
    upload(browser, portal, lying, "Ảnh nói dối")
    err = field_error(browser, "file")
    assert "không khớp" in err, browser.page_source[:3000]
    assert browser.find_element(By.ID, "f-alt_text").get_attribute("value") == "Ảnh nói dối"
    text = tmp_path / "ke-hoach.png"
    text.write_text("Kế hoạch 19/KH-PGDĐT")
    upload(browser, portal, text, "Không phải ảnh")
    assert "không phải ảnh" in field_error(browser, "file")
    big = tmp_path / "qua-lon.png"
    big.write_bytes(png(8, 8) + b"\0" * (10 * 1024 * 1024 + 1))
    upload(browser, portal, big, "Ảnh quá lớn")
    assert "quá lớn" in field_error(browser, "file"), browser.page_source[:3000]
    assert not browser.find_elements(By.XPATH, "//img[@alt='Ảnh nói dối' or @alt='Ảnh quá lớn']")


def test_an_upload_without_its_csrf_token_or_for_another_school_is_refused(browser, portal, tmp_path):
    sign_in(browser, portal, EDITOR)
    img = tmp_path / "khong-token.png"
    img.write_bytes(png(16, 16))
    browser.get(portal.base + "/quan-tri/tep")
    browser.execute_script("document.querySelector('main form[enctype] input[name=csrf]').remove()")
    browser.find_element(By.ID, "f-file").send_keys(str(img))
    browser.find_element(By.ID, "f-alt_text").send_keys("Không có mã CSRF")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form[enctype] button[type=submit]"))
    assert "CSRF" in browser.page_source and "Yêu cầu bị từ chối" in browser.page_source
    # Another school's unit, named by hand: refused next to the unit field.
    browser.get(portal.base + "/quan-tri/tep")
    browser.execute_script("var o=document.createElement('option'); o.value='mn-van-khe'; o.selected=true;"
                           "document.getElementById('f-unit').appendChild(o);")
    browser.find_element(By.ID, "f-file").send_keys(str(img))
    browser.find_element(By.ID, "f-alt_text").send_keys("Ảnh cho trường khác")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form[enctype] button[type=submit]"))
    assert "không quản lý tệp của đơn vị này" in browser.page_source
    browser.get(portal.base + "/quan-tri/tep")
    assert "Không có mã CSRF" not in browser.page_source and "Ảnh cho trường khác" not in browser.page_source
