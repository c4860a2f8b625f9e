"""Red team (issue 19, round 2): hostile data directories and clients of pbgdpl.portal.Portal."""
import os
import stat
import threading

import pytest

import pbgdpl
from pbgdpl.portal import Portal


def test_a_planted_syndication_pub_link_is_replaced_not_followed(tmp_path):
    # The first start writes <data>/syndication.pub: it followed a symbolic link planted there (a
    # data directory unpacked from elsewhere) and truncated the file it named, outside data_dir.
    data = tmp_path / "data"
    data.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    os.symlink(victim, data / "syndication.pub")
    with Portal(data) as p:
        assert p.running
    assert victim.read_text() == "precious\n"
    pub = data / "syndication.pub"
    assert not pub.is_symlink() and pub.is_file()
    assert "minisign public key" in pub.read_text()


def test_a_fifo_at_syndication_pub_does_not_hang_the_start(tmp_path):
    # Opening a FIFO for writing blocks until a reader comes: start() never returned.
    data = tmp_path / "data"
    data.mkdir()
    os.mkfifo(data / "syndication.pub")
    done = []

    def run():
        try:
            with Portal(data):
                done.append("ok")
        except pbgdpl.Error as e:  # refusing is fine too, hanging is not
            done.append(e.code)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(20)
    if not done:
        # unblock the writer so the process can exit
        fd = os.open(data / "syndication.pub", os.O_RDONLY | os.O_NONBLOCK)
        t.join(5)
        os.close(fd)
    assert done, "Portal.start() hung on a FIFO at <data>/syndication.pub"
    assert stat.S_ISREG(os.lstat(data / "syndication.pub").st_mode) or done[0] != "ok"


@pytest.mark.parametrize("kwargs,code", [
    ({"host": "127.0.0.1\0evil"}, "invalid_argument"),  # bound 127.0.0.1 while .url said otherwise
    ({"host": "127.0.0.1\n"}, "invalid_argument"),
    ({"host": "\ud800"}, "invalid_utf8"),                # was a TypeError listing the overloads
    ({"default_unit": "\udc80"}, "invalid_utf8"),
    ({"default_unit": "a\0b"}, "invalid_argument"),
    ({"port": 2 ** 40}, "out_of_range"),                 # was a TypeError listing the overloads
    ({"port": -1}, "out_of_range"),
    ({"threads": 0}, "out_of_range"),
])
def test_hostile_portal_options_are_validation_errors(tmp_path, kwargs, code):
    with pytest.raises(pbgdpl.ValidationError) as info:
        Portal(tmp_path, **kwargs)
    assert info.value.code == code


def test_a_data_dir_with_a_nul_is_refused_not_cut_short(tmp_path):
    # fs::path kept the NUL; every system call stopped at it: the portal used <tmp_path> itself.
    with pytest.raises(pbgdpl.ValidationError) as info:
        Portal(str(tmp_path) + "\0/elsewhere")
    assert info.value.code == "invalid_argument"
    with pytest.raises(pbgdpl.ValidationError):
        Portal(tmp_path / "d", seed=str(tmp_path) + "\0x")
