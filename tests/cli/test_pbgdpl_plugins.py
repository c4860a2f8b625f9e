# `pbgdpl plugins list | check`: what a vendor runs first on a plugin directory. `list` reads the
# manifests only; `check` loads each library as the portal would and names the loader's error
# (in both languages) for one that does not load, exit 1. Uses the ABI fixtures
# (tests/plugins/fixtures) built beside the tool.
import json
import os
import shutil
import subprocess

CLI = os.environ.get("PBGDPL_CLI", "")
FIXTURES = os.environ.get("PBGDPL_FIXTURE_DIR", "")
SDKFIX = os.path.join(FIXTURES, "sdkfix")


def pbgdpl(*args, env=None):
    e = {k: v for k, v in os.environ.items() if k != "PBGDPL_PLUGIN_PATH"}
    e.update(env or {})
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=30, env=e)


def broken_dir(tmp_path):
    """A directory with a plugin whose descriptor is too large and a manifest that is not JSON."""
    d = tmp_path / "plugins"
    d.mkdir()
    os.chmod(d, 0o755)
    shutil.copy(os.path.join(FIXTURES, "big_struct", "big_struct.so"), d / "big_struct.so")
    (d / "big.json").write_text(json.dumps({"id": "big", "library": "big_struct.so", "abi": {"major": 1, "minor": 0},
                                            "kinds": ["notifier"], "version": "1.0", "license": "MIT",
                                            "description": "too large a descriptor"}))
    (d / "broken.json").write_text("{")
    return d


def test_list_prints_each_manifest_without_loading_it():
    r = pbgdpl("plugins", "list", "--dir", SDKFIX)
    assert r.returncode == 0, r.stderr
    assert "sdkfix 2.1.0" in r.stdout
    assert "[store, publisher, notifier, exporter, connector]" in r.stdout
    assert "pbgdpl-sdkfix.so" in r.stdout
    j = json.loads(pbgdpl("plugins", "list", "--dir", SDKFIX, "--json").stdout)
    assert [p["id"] for p in j["plugins"]] == ["sdkfix"]
    assert j["plugins"][0]["abi"] == {"major": 1, "minor": 0}
    assert j["problems"] == []


def test_check_loads_a_good_plugin_and_exits_0():
    r = pbgdpl("plugins", "check", "--dir", SDKFIX)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert r.stdout.startswith("ok  sdkfix 2.1.0")


def test_check_names_why_a_plugin_does_not_load_and_exits_1(tmp_path):
    d = broken_dir(tmp_path)
    r = pbgdpl("plugins", "check", "--dir", d, "--dir", SDKFIX)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "LỖI/FAILED  big: bad_struct_size" in r.stdout
    assert "Mô tả plugin có kích thước" in r.stdout and "The plugin descriptor is" in r.stdout
    assert "broken.json: manifest_invalid" in r.stdout
    assert "ok  sdkfix" in r.stdout  # the good one still loads beside them
    # One plugin, as JSON.
    j = json.loads(pbgdpl("plugins", "check", "big", "--dir", d, "--json").stdout)
    assert j[0]["loads"] is False and j[0]["error"]["path"] == "bad_struct_size"
    r = pbgdpl("plugins", "check", "nobody", "--dir", d)
    assert r.returncode == 1 and "nobody: not_found" in r.stdout


def test_list_shows_manifest_problems_and_still_exits_0(tmp_path):
    d = broken_dir(tmp_path)
    r = pbgdpl("plugins", "list", "--dir", d)
    assert r.returncode == 0
    assert "big 1.0" in r.stdout and "! " in r.stdout and "manifest_invalid" in r.stdout


def test_the_plugin_path_variable_is_searched_and_no_directory_is_a_usage_error():
    r = pbgdpl("plugins", "list", env={"PBGDPL_PLUGIN_PATH": "/nonexistent:" + SDKFIX})
    assert r.returncode == 0 and "sdkfix" in r.stdout
    r = pbgdpl("plugins", "check")
    assert r.returncode == 2 and r.stdout == ""
    assert "Lỗi: chưa có thư mục plugin" in r.stderr and "Error: no plugin directory" in r.stderr
