# The `pbgdpl` command line as CLI11 parses it: `--help` on every command, in Vietnamese and
# English, listing every option the tool has always had; usage errors (unknown option, missing
# required option or value, bad value, unknown command) exit 2 with the reason in both languages
# and the command's usage line; the options a signature's safety depends on stay required.
import os
import re
import subprocess

import pytest

CLI = os.environ.get("PBGDPL_CLI", "")
FROM, UNTIL = "2024-01-01T00:00:00+07:00", "2034-01-01T00:00:00+07:00"

# Every command and the options it has had since before CLI11 (names must not change: scripts use them).
COMMANDS = {
    (): [],
    ("keygen",): ["-p", "-s", "-W", "-f"],
    ("sign",): ["-s", "-m", "-x", "-t", "-W"],
    ("verify",): ["-p", "-m", "-x"],
    ("hash",): ["-l", "--etag"],
    ("delegate",): ["-s", "-k", "--authority", "--unit", "--role", "--use", "--from", "--until", "--seq", "-x", "-W"],
    ("approve",): ["-s", "-m", "--id", "--content-id", "--unit", "--role", "--use", "--from", "--until", "--seq",
                   "-x", "-W"],
    ("bundle",): [],
    ("bundle", "pack"): ["--id", "--title", "-s", "--seq", "--approval-id", "--unit", "--role", "--use", "--from",
                         "--until", "-W"],
    ("bundle", "verify"): ["--root", "--authority", "--level", "--parent", "--units", "-d", "--use", "--at",
                           "--revocations", "--seen"],
    ("plugins",): [],
    ("plugins", "list"): ["--dir", "--json"],
    ("plugins", "check"): ["--dir", "--json"],
    ("crawl",): ["-o", "--division", "--days", "--today", "--concurrency", "--budget", "--timeout", "--connect-to", "--no-ocr",
                 "--allow-private", "-q"],
    ("bookcase",): [],
    ("bookcase", "import"): ["--plugin-dir", "--db", "--format", "--unit", "--level", "--accept-warnings"],
    ("bookcase", "export"): ["--plugin-dir", "--db", "--format", "-o", "--unit", "--include-drafts"],
}
# Vietnamese letters with their marks (ă â đ ê ô ơ ư and the tones): ASCII English has none.
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
ENGLISH = re.compile(r"^[\x20-\x7e]*[a-z]{3,}[\x20-\x7e]*$")
COLUMN = 30  # where descriptions start in CLI11's help


def pbgdpl(*args):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=30)


@pytest.fixture(scope="session", autouse=True)
def built():
    assert CLI and os.access(CLI, os.X_OK), "PBGDPL_CLI must name the built pbgdpl"


def option_entries(help_text):
    """{option name: description lines} for each option listed in a help text, and the heading
    each option is listed under."""
    entries, headings, name, heading = {}, {}, None, None
    for line in help_text.splitlines():
        if not line:  # a blank line ends a list (the footer after the last is free text)
            heading, name = None, None
        elif not line.startswith(" ") and line.endswith(":"):
            heading, name = line[:-1], None
        elif line.startswith("  ") and line[2] != " " and heading:
            name = line[2:COLUMN].split()[0].split(",")[-1]  # "-h,--help" -> "--help"
            entries[name] = [line[COLUMN:].strip()] if len(line) > COLUMN else []
            headings[name] = heading
        elif line.startswith(" " * COLUMN) and name:
            entries[name].append(line.strip())
        else:
            name = None
    return entries, headings


def in_both_languages(lines):
    """A description: "vi / en" on one line, or Vietnamese then English on the next (a line of
    values may follow either)."""
    if not lines:
        return False
    if " / " in lines[0]:
        vi, en = lines[0].split(" / ", 1)
    else:
        vi, en = lines[0], lines[1] if len(lines) > 1 else ""
    return bool(VIETNAMESE.search(vi)) and not VIETNAMESE.search(en) and bool(ENGLISH.match(en))


@pytest.mark.parametrize("command", list(COMMANDS), ids=lambda c: " ".join(c) or "pbgdpl")
def test_help_on_every_command_is_in_both_languages_and_exits_0(command):
    outputs = []
    for args in ([*command, "--help"], [*command, "-h"], ["help", *command]):
        r = pbgdpl(*args)
        assert r.returncode == 0, (args, r.returncode, r.stderr)
        assert r.stderr == "", (args, r.stderr)
        outputs.append(r.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    text = outputs[0]
    assert f"Cách dùng / Usage: {' '.join(('pbgdpl', *command))}" in text, text
    entries, _ = option_entries(text)
    for option in COMMANDS[command] + ["--help"]:
        assert option in entries, (option, text)
        assert in_both_languages(entries[option]), (option, entries[option])
    # Nothing is listed without both languages either.
    for option, lines in entries.items():
        assert in_both_languages(lines), (option, lines)


def test_help_lists_every_command_in_both_languages():
    text = pbgdpl("--help").stdout
    entries, headings = option_entries(text)
    for command in ("keygen", "sign", "verify", "hash", "delegate", "approve", "bundle", "crawl"):
        assert headings.get(command) == "Lệnh / Commands", (command, text)
        assert in_both_languages(entries[command]), (command, entries[command])
    for words in ("PBGDPL_PASSWORD", "Mã thoát", "Exit codes"):
        assert words in text
    bundle = option_entries(pbgdpl("bundle", "--help").stdout)[0]
    assert set(bundle) >= {"pack", "verify"}


def usage_error(r, vi, en, command):
    """Exit 2, nothing on stdout, the reason in both languages, then the command's usage line."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0].startswith("Lỗi: ") and vi in lines[0], r.stderr
    assert lines[1].startswith("Error: ") and en in lines[1], r.stderr
    assert lines[2].startswith(f"Cách dùng / Usage: {command}"), r.stderr


@pytest.mark.parametrize("args, command, option", [
    (["sign", "-W", "-s", "k", "-m", "f", "--frob"], "pbgdpl sign", "--frob"),
    (["hash", "--sha1", "f"], "pbgdpl hash", "--sha1"),
    (["bundle", "verify", "b", "--root", "r", "--authority", "a", "--level", "city_official", "--use", "portal",
      "--delegation", "d"], "pbgdpl bundle verify", "--delegation"),
    (["keygen", "-W", "-q", "-p", "a", "-s", "b"], "pbgdpl keygen", "-q"),
    (["--frob", "sign", "-W", "-s", "k", "-m", "f"], "pbgdpl sign", "--frob"),  # before the command
])
def test_an_unknown_option_exits_2_naming_it_in_both_languages(args, command, option):
    usage_error(pbgdpl(*args), f"tùy chọn không rõ: {option}", f"unknown option: {option}", command)


def test_a_misspelt_option_is_named_rather_than_the_required_one_it_stood_for(tmp_path):
    # --sequence for --seq: the operator is told which word is wrong, not only that --seq is missing,
    # and nothing is signed (the earlier parser took --sequence as an option it ignored).
    f = tmp_path / "f.txt"
    f.write_text("x")
    r = pbgdpl("approve", "-W", "-s", tmp_path / "k.key", "-m", f, "--content-id", "c", "--unit", "u",
               "--role", "division_approver", "--use", "portal", "--from", FROM, "--until", UNTIL, "--sequence", "5")
    usage_error(r, "tùy chọn không rõ: --sequence", "unknown option: --sequence", "pbgdpl approve")
    assert not (tmp_path / "f.txt.minisig").exists()


def test_an_unexpected_argument_exits_2():
    usage_error(pbgdpl("verify", "-p", "a.pub", "-m", "f", "thua"), "đối số thừa: thua", "unexpected argument: thua",
                "pbgdpl verify")


@pytest.mark.parametrize("args, command, missing", [
    (["sign", "-W", "-m", "f"], "pbgdpl sign", "-s"),
    (["verify", "-m", "f"], "pbgdpl verify", "-p"),
    (["keygen", "-W"], "pbgdpl keygen", "-p, -s"),
    (["delegate", "-W", "-s", "k", "-k", "a.pub", "--authority", "a", "--unit", "u", "--role", "division_approver",
      "--use", "portal", "--from", FROM], "pbgdpl delegate", "--until"),
])
def test_a_missing_required_option_exits_2_naming_every_missing_one(args, command, missing):
    usage_error(pbgdpl(*args), f"thiếu tùy chọn bắt buộc: {missing}", f"missing required option: {missing}",
                command)


def test_a_missing_argument_or_value_exits_2():
    usage_error(pbgdpl("hash"), "thiếu đối số: FILE", "missing argument: FILE", "pbgdpl hash FILE")
    usage_error(pbgdpl("bundle", "pack", "--id", "x"), "thiếu đối số: PATH", "missing argument: PATH",
                "pbgdpl bundle pack PATH")
    usage_error(pbgdpl("verify", "-m", "f", "-p"), "thiếu giá trị cho -p", "missing value for -p", "pbgdpl verify")


@pytest.mark.parametrize("args, command, vi, en", [
    (["hash", "-l", "384", "f"], "pbgdpl hash", '-l: chỉ 256 hoặc 512: "384"', '-l: only 256 or 512: "384"'),
    (["approve", "-W", "-s", "k", "-m", "f", "--content-id", "c", "--unit", "u", "--role", "boss", "--use", "portal",
      "--from", FROM, "--until", UNTIL, "--seq", "1"], "pbgdpl approve",
     '--role: giá trị không hợp lệ "boss"', '--role: invalid value "boss"'),
    (["approve", "-W", "-s", "k", "-m", "f", "--content-id", "c", "--unit", "u", "--role", "division_approver",
      "--use", "portal", "--from", "hôm qua", "--until", UNTIL, "--seq", "1"], "pbgdpl approve",
     "--from: Thời điểm phải có dạng", "--from: A timestamp must look like"),
    (["delegate", "-W", "-s", "k", "-k", "a.pub", "--authority", "a", "--unit", "u", "--role", "division_approver",
      "--use", "portal,screens", "--from", FROM, "--until", UNTIL], "pbgdpl delegate",
     '--use: giá trị không hợp lệ "screens"', '--use: invalid value "screens"'),
    (["bundle", "verify", "b", "--root", "r", "--authority", "a", "--level", "city_official", "--use", "portal",
      "--parent", "pgd-quan-1"], "pbgdpl bundle verify", '--parent: cần dạng CON=CHA', "--parent: needs the form"),
])
def test_a_bad_value_exits_2_in_both_languages(args, command, vi, en):
    usage_error(pbgdpl(*args), vi, en, command)


def test_a_missing_or_unknown_command_exits_2_listing_the_commands():
    r = pbgdpl()
    assert r.returncode == 2 and r.stdout == ""
    assert "Lỗi: cần một lệnh: keygen, sign, verify, hash, delegate, approve, bundle" in r.stderr
    assert "Error: a command is needed: keygen, sign" in r.stderr and "Cách dùng / Usage: pbgdpl" in r.stderr
    usage_error(pbgdpl("frobnicate"), 'lệnh không rõ "frobnicate"', 'unknown command "frobnicate"', "pbgdpl")
    usage_error(pbgdpl("bundle", "unpack", "x"), 'lệnh không rõ "unpack" (có: pack, verify)',
                'unknown command "unpack" (there are: pack, verify)', "pbgdpl bundle")
    r = pbgdpl("bundle")
    assert r.returncode == 2 and "a command is needed: pack, verify" in r.stderr


# --- Options a signature's safety depends on stay required --------------------------------------

def required_options(*command):
    """The options a command's help lists under its required heading."""
    _, headings = option_entries(pbgdpl(*command, "--help").stdout)
    return {name for name, heading in headings.items() if heading == "Bắt buộc / Required"}


def test_the_sequence_of_an_approval_and_the_authoritys_level_are_required():
    assert {"--seq", "-s", "-m", "--content-id", "--unit", "--role", "--use", "--from", "--until"} <= \
        required_options("approve")
    assert {"--level", "--root", "--authority", "--use"} <= required_options("bundle", "verify")
    # The delegation's sequence keeps its documented default of 1.
    assert "--seq" not in required_options("delegate")
    assert "(mặc định 1" in pbgdpl("delegate", "--help").stdout


def test_approve_without_seq_exits_2_and_signs_nothing(tmp_path):
    ok = subprocess.run([CLI, "keygen", "-W", "-p", tmp_path / "k.pub", "-s", tmp_path / "k.key"],
                        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30)
    assert ok.returncode == 0, ok.stderr
    f = tmp_path / "f.txt"
    f.write_text("nội dung")
    r = pbgdpl("approve", "-W", "-s", tmp_path / "k.key", "-m", f, "--content-id", "c", "--unit", "u",
               "--role", "division_approver", "--use", "portal", "--from", FROM, "--until", UNTIL)
    usage_error(r, "thiếu tùy chọn bắt buộc: --seq", "missing required option: --seq", "pbgdpl approve")
    assert not (tmp_path / "f.txt.minisig").exists()


def test_bundle_verify_without_level_exits_2():
    r = pbgdpl("bundle", "verify", "b", "--root", "r.pub", "--authority", "a", "--use", "portal")
    usage_error(r, "thiếu tùy chọn bắt buộc: --level", "missing required option: --level", "pbgdpl bundle verify")
    r = pbgdpl("bundle", "verify", "b", "--root", "r.pub", "--authority", "a", "--use", "portal",
               "--level", "school_editor")
    usage_error(r, "--level: cần một vai trò phê duyệt", "--level: needs an approver role", "pbgdpl bundle verify")


def test_bundle_pack_approval_fields_and_the_key_need_each_other(tmp_path):
    b = tmp_path / "b"
    b.mkdir()
    (b / "a.txt").write_text("a")
    approval = ["--unit", "u", "--role", "division_approver", "--use", "portal", "--from", FROM, "--until", UNTIL]
    # A key with only some of the statement's fields: every missing one is named.
    r = pbgdpl("bundle", "pack", b, "--id", "x", "-W", "-s", tmp_path / "k.key", "--unit", "u")
    usage_error(r, "-s cần kèm --role, --use, --from, --until, --seq", "-s requires --role, --use, --from, --until, --seq",
                "pbgdpl bundle pack")
    # The statement without a key would have been dropped silently, leaving an unapproved bundle.
    r = pbgdpl("bundle", "pack", b, "--id", "x", *approval, "--seq", "1")
    usage_error(r, "cần kèm -s", "requires -s", "pbgdpl bundle pack")
    assert not (b / "pbgdpl-bundle.json").exists()
    # Without any of them it is an unsigned pack, as before.
    r = pbgdpl("bundle", "pack", b, "--id", "x")
    assert r.returncode == 0 and "packed 1 files" in r.stdout, r.stderr


def test_a_repeated_option_takes_the_last_value_as_before(tmp_path):
    f = tmp_path / "f.bin"
    f.write_bytes(b"pbgdpl")
    assert pbgdpl("hash", "-l", "512", "-l", "256", f).stdout == pbgdpl("hash", "-l", "256", f).stdout
    assert len(pbgdpl("hash", "-l", "256", "-l", "512", f).stdout.split()[0]) == 128
