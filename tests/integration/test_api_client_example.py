"""examples/api_client/pbgdpl_api_client.py (docs/integrating.md, "JSON API") against the real
portal: the example a vendor copies must keep working as the API grows."""
import json
import subprocess
import sys

from portal_proc import SOURCE_DIR

EXAMPLE = SOURCE_DIR / "examples" / "api_client" / "pbgdpl_api_client.py"


def run_example(portal, *args):
    p = subprocess.run([sys.executable, str(EXAMPLE), "--base", portal.base, "--json", *args],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_public_reads_without_a_key(portal):
    out = run_example(portal)
    assert "/api/v1/articles" in out["collections"] and "/api/v1/legal-documents" in out["collections"]
    hits = out["search_ke_hoach"]
    assert hits and "Kế hoạch" in hits[0]["title"], hits  # found from the unaccented "ke hoach"
    assert "kh-19-pgddt-2023" in [h["id"] for h in hits], hits  # plan 19 itself (a plan: "Kế hoạch")
    assert out["plan"]["number"] == "19/KH-PGDĐT" and out["plan"]["issued"] == "2023-03-22"
    assert "created" not in out


def test_writes_with_the_demo_key_and_reads_the_bilingual_error(portal):
    out = run_example(portal, "--key-file", str(portal.data_dir / "demo-api-key.txt"))
    made = out["created"]
    assert made["state"] == "published" and made["version"] >= 1
    assert made["author"] == "acc-division-approver"  # the key's account, filled in by the server
    assert made["published_at"]  # the server's time: the example sends none
    stored = portal.get("/api/v1/articles/" + made["id"]).json()
    assert stored["id"] == made["id"] and "ứng dụng của nhà cung cấp" in stored["body_html"]
    bad = out["bad_request"]
    assert bad["status"] == 400 and bad["code"] == "parse_error"
    assert "JSON không hợp lệ" in bad["vi"] and "Malformed JSON" in bad["en"]


def test_a_wrong_key_fails_with_exit_status_1(portal, tmp_path):
    k = tmp_path / "key.txt"
    k.write_text("khong-phai-khoa-that\n")
    p = subprocess.run([sys.executable, str(EXAMPLE), "--base", portal.base, "--key-file", str(k)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "401" in p.stderr, (p.returncode, p.stderr)
