"""The OpenAPI document the real demo portal serves lints under Redocly's recommended rules (issue
20: vendors in .NET, Java and PHP generate their clients from it). The pinned @redocly/cli from
tests/tools (scripts/install-deps.sh test, npm ci) checks the document fetched over HTTP with
tests/integration/redocly.yaml; any error fails, and so do more warnings than docs/design.md
lists ("### OpenAPI clients (issue 20)"). Offline: no telemetry, no update check."""
import json
import os
import re
import shutil
import subprocess
from collections import Counter

import pytest

from portal_proc import SOURCE_DIR

TOOLS = SOURCE_DIR / "tests" / "tools"
REDOCLY = TOOLS / "node_modules" / "@redocly" / "cli" / "bin" / "cli.js"
CONFIG = SOURCE_DIR / "tests" / "integration" / "redocly.yaml"
# The warnings docs/design.md explains, by rule: none today. A new one must be fixed or listed
# there and here with its reason.
ALLOWED_WARNINGS = Counter()


def redocly_lint(path):
    node = shutil.which("node")
    assert node, "node is missing: scripts/install-deps.sh test installs it"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    major, minor = (int(x) for x in re.match(r"v(\d+)\.(\d+)", version).groups())
    assert (major, minor) >= (20, 19), f"@redocly/cli 2 needs Node.js 20.19 or later, this is {version} " \
                                       "(Debian 12's nodejs is 18: install Node.js 20 or 22, e.g. from NodeSource)"
    assert REDOCLY.exists(), f"{REDOCLY} is missing: run scripts/install-deps.sh test (npm ci in tests/tools)"
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true",
               REDOCLY_SUPPRESS_NOTIFICATIONS="true", NO_COLOR="1")
    run = subprocess.run([node, str(REDOCLY), "lint", str(path), "--config", str(CONFIG), "--format", "json",
                          "--max-problems", "10000"],
                         capture_output=True, text=True, timeout=50, env=env, cwd=str(path.parent))
    # The JSON report is on stdout; exit 1 means errors were found (read from the report).
    assert run.returncode in (0, 1), (run.returncode, run.stderr[-2000:])
    start = run.stdout.find("{")
    assert start >= 0, ("no JSON report", run.stdout[-2000:], run.stderr[-2000:])
    report = json.loads(run.stdout[start:])
    return report["problems"], run


def where(p):
    return ", ".join(loc.get("pointer", "") for loc in p.get("location", []))


@pytest.fixture(scope="module")
def served(portal, tmp_path_factory):
    r = portal.get("/api/openapi.json")
    assert r.status == 200
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_bytes(r.body)
    return path, r.json()


def failures(problems):
    """What fails the test: every error, and warnings of a rule beyond the count design.md allows."""
    out = [f"{p['ruleId']} at {where(p)}: {p['message']}" for p in problems if p["severity"] == "error"]
    warnings = Counter(p["ruleId"] for p in problems if p["severity"] == "warn")
    extra = warnings - ALLOWED_WARNINGS
    out += [f"{p['ruleId']} at {where(p)}: {p['message']} (a warning)" for p in problems
            if p["severity"] == "warn" and p["ruleId"] in extra]
    return out


def test_the_served_document_lints_without_errors(served):
    path, _ = served
    problems, _ = redocly_lint(path)
    bad = failures(problems)
    assert not bad, "\n".join(bad[:40])


def test_the_lint_catches_a_broken_document(served, tmp_path):
    """The check itself can fail: an operation without its operationId and security, a missing
    licence and a public read with no security are each reported as errors."""
    _, doc = served
    doc = json.loads(json.dumps(doc))
    doc["info"].pop("license")
    op = doc["paths"]["/api/v1/articles"]["get"]
    op.pop("operationId")
    doc["paths"]["/api/v1/banners"]["get"].pop("security")
    doc["paths"]["/api/v1/units/{id}"]["get"]["operationId"] = "getArticle"  # a duplicate
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    problems, run = redocly_lint(broken)
    assert run.returncode == 1
    failed = {line.split(" at ")[0] for line in failures(problems)}
    assert {"operation-operationId", "operation-operationId-unique", "security-defined", "info-license"} <= failed, failed


def test_every_operation_has_a_readable_unique_id_a_tag_and_security(served):
    _, doc = served
    ids = Counter()
    tags = {t["name"] for t in doc["tags"]}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            ids[op["operationId"]] += 1
            # camelCase verb + noun: what a generator turns into a method name in C#, Java and PHP.
            assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", op["operationId"]), (path, method, op["operationId"])
            assert op["tags"] and set(op["tags"]) <= tags, (path, method)
            assert op["security"], (path, method)
            assert any(c.startswith("4") for c in op["responses"]), (path, method)
    assert [i for i, n in ids.items() if n > 1] == []
    # The rule over the collections, and a few named by the table: stable names vendors' code calls.
    for want in ("listArticles", "getArticle", "createArticle", "updateArticle", "archiveArticle",
                 "listLegalDocuments", "getLegalDocument", "searchRecords", "listMedia", "getOpenApiDocument",
                 "listDisplayStatuses", "createWebhook", "authoriseDeviceEnrolment", "submitReport"):
        assert ids[want] == 1, want


def test_public_reads_declare_no_key_and_writes_a_key(served):
    _, doc = served
    for path, item in doc["paths"].items():
        for method, op in item.items():
            sec = op["security"]
            if method != "get":
                # Every write names how it is authenticated; only a device's first contact names none.
                assert {} not in sec or op["operationId"] == "enrolDevice", (path, method, sec)
    assert doc["paths"]["/api/v1/articles"]["get"]["security"] == [{}, {"apiKey": []}]
    assert doc["paths"]["/api/v1/banners"]["get"]["security"] == [{}]
    # The search answers what the public sees whoever asks: no key to send.
    assert doc["paths"]["/api/v1/search"]["get"]["security"] == [{}]
    # Who trained in what names people: never anonymous.
    assert {} not in doc["paths"]["/api/v1/attendances/{id}"]["get"]["security"]


def test_servers_and_license_are_present(served, portal):
    _, doc = served
    assert doc["servers"] == [{"url": "/", "description": "This portal"}]
    assert doc["info"]["license"]["name"] == "MIT"


def test_the_index_with_a_slash_redirects_to_the_documented_one(portal):
    r = portal.get("/api/v1/")
    assert r.status == 308 and r.header("location") == "/api/v1"
    assert portal.get("/api/v1").status == 200


def test_under_a_vendors_prefix_the_server_names_the_prefix_and_the_document_lints(tmp_path):
    """examples/vendor_embed mounts the portal under /phap-luat: a client joining the document's
    server URL and a documented path reaches the route, and the index with a slash redirects
    inside the prefix."""
    from test_vendor_embed import PREFIX, Vendor
    v = Vendor()
    v.start()
    try:
        r = v.get(PREFIX + "/api/openapi.json")
        assert r.status == 200
        doc = r.json()
        assert [s["url"] for s in doc["servers"]] == [PREFIX]
        assert v.get(doc["servers"][0]["url"] + "/api/v1/articles").status == 200
        slash = v.get(PREFIX + "/api/v1/")
        assert slash.status == 308 and slash.header("location") == PREFIX + "/api/v1"
        assert v.get(PREFIX + "/api/v1").json()["openapi"] == PREFIX + "/api/openapi.json"
        path = tmp_path / "openapi.json"
        path.write_bytes(r.body)
        problems, _ = redocly_lint(path)
        bad = failures(problems)
        assert not bad, "\n".join(bad[:40])
    finally:
        v.cleanup()
