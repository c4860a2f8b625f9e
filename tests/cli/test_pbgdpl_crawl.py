"""pbgdpl crawl over fake school sites (tests/integration/fake_sites.py) served on one loopback
port: each site's verdicts and first evidence methods are checked exactly, the broken and hostile
ones included, and the progress goes to stderr while the JSON goes to the output."""
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import fake_sites  # noqa: E402

CLI = os.environ.get("PBGDPL_CLI", "")
HAVE_OCR = bool(shutil.which("tesseract")) and bool(shutil.which("text2image")) and any(
    os.path.exists(p) for p in ("/usr/share/tesseract-ocr/5/tessdata/vie.traineddata",
                                "/usr/share/tesseract-ocr/4.00/tessdata/vie.traineddata"))


@pytest.fixture(scope="module")
def crawl_run(tmp_path_factory):
    assert CLI and os.access(CLI, os.X_OK), "PBGDPL_CLI must name the built pbgdpl"
    with_sentence = fake_sites.render_text_image(fake_sites.SENTENCE) if HAVE_OCR else None
    without = fake_sites.render_text_image("Chào mừng năm học mới") if HAVE_OCR else None
    server = fake_sites.FakeSites(fake_sites.build_sites(with_sentence, without), slow_seconds=4).start()
    d = tmp_path_factory.mktemp("crawl")
    sites = [{"url": f"http://{h}/", "unit": h.split(".")[0]} for h in fake_sites.build_sites()]
    (d / "sites.json").write_text(json.dumps(sites))
    t0 = time.monotonic()
    r = subprocess.run([CLI, "crawl", str(d / "sites.json"), "-o", str(d / "out.json"), "--division", fake_sites.DIVISION,
                        "--today", fake_sites.TODAY, "--timeout", "2", "-j", "8", "--connect-to", f"127.0.0.1:{server.port}",
                        "--allow-private"] + ([] if HAVE_OCR else ["--no-ocr"]),
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    spent = time.monotonic() - t0
    server.stop()
    assert r.returncode == 0, r.stderr
    results = {x["site"]: x for x in json.loads((d / "out.json").read_text())}
    return r, results, spent


def verdicts(result):
    return {c["criterion"]: (c["verdict"], c["evidence"][0]["method"] if c["evidence"] else None)
            for c in result["criteria"]}


@pytest.mark.parametrize("host", sorted(fake_sites.EXPECTED))
def test_each_fake_site_gets_its_exact_verdicts(crawl_run, host):
    _, results, _ = crawl_run
    got = verdicts(results[f"http://{host}/"])
    for criterion, want in fake_sites.EXPECTED[host].items():
        assert got[criterion] == want, (host, criterion, got)


@pytest.mark.parametrize("host, failure", sorted(fake_sites.EXPECTED_ERRORS.items()))
def test_broken_and_hostile_sites_record_why(crawl_run, host, failure):
    _, results, _ = crawl_run
    failures = [e["failure"] for e in results[f"http://{host}/"]["errors"]]
    assert failure in failures, failures


@pytest.mark.skipif(not HAVE_OCR, reason="tesseract with Vietnamese data, or text2image, is missing")
def test_an_image_only_banner_is_read_by_ocr(crawl_run):
    _, results, _ = crawl_run
    assert verdicts(results["http://ocr.hadong.edu.vn/"])["city_banner"] == ("met", "ocr")
    ev = [c for c in results["http://ocr.hadong.edu.vn/"]["criteria"] if c["criterion"] == "city_banner"][0]["evidence"][0]
    assert "pháp luật" in ev["matched"].lower()
    other = [c for c in results["http://no-sentence.hadong.edu.vn/"]["criteria"] if c["criterion"] == "city_banner"][0]
    assert other["verdict"] == "not_met"
    assert "năm học" in other["evidence"][0]["matched"].lower()


def test_slow_and_hostile_sites_do_not_hold_the_crawl(crawl_run):
    _, results, spent = crawl_run
    assert spent < 60, spent
    # The 8 MB page was cut, not refused: its top was read.
    assert results["http://huge.hadong.edu.vn/"]["bytes"] <= 3 * 1024 * 1024


def test_units_and_platforms_are_reported(crawl_run):
    _, results, _ = crawl_run
    assert results["http://compliant.hadong.edu.vn/"]["unit"] == "compliant"
    assert results["http://compliant.hadong.edu.vn/"]["platform"] == "qig"
    assert results["http://wp.hadong.edu.vn/"]["platform"] == "wordpress"
    assert results["http://nukeviet.hadong.edu.vn/"]["platform"] == "nukeviet"


def test_progress_goes_to_stderr_as_lines_when_not_a_terminal(crawl_run):
    r, results, _ = crawl_run
    assert r.stdout == ""
    last = r.stderr.strip().splitlines()[-1]
    assert last == f"pbgdpl crawl: {len(results)}/{len(results)} trang / sites, " + last.split(", ")[-1], r.stderr


def test_on_a_terminal_the_progress_bar_is_redrawn_and_stdout_has_the_json(tmp_path):
    import pty
    server = fake_sites.FakeSites(fake_sites.bench_sites(12)).start()
    try:
        sites = tmp_path / "sites.json"
        sites.write_text(json.dumps([f"http://s{i}.bench.edu.vn/" for i in range(12)]))
        master, slave = pty.openpty()
        p = subprocess.Popen([CLI, "crawl", str(sites), "--today", fake_sites.TODAY, "--no-ocr", "--allow-private",
                              "--connect-to", f"127.0.0.1:{server.port}", "-j", "4"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        os.close(master)
        out = p.stdout.read()
        p.stdout.close()
        assert p.wait(timeout=60) == 0
    finally:
        server.stop()
    text = err.decode()
    assert text.count("\r[") == 12, text  # one redraw per site
    assert "[" + "#" * 30 + "] 12/12 trang / sites" in text, text
    assert text.endswith("\n") or text.endswith("\r\n")
    results = json.loads(out)
    assert [r["site"] for r in results] == [f"http://s{i}.bench.edu.vn/" for i in range(12)]
    # Kinds in turn: compliant, section only, no banner, news only (no division given: unknown).
    assert [r["criteria"][2]["verdict"] for r in results[:4]] == ["met", "met", "not_met", "met"]
