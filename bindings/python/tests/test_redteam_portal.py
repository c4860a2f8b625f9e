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
