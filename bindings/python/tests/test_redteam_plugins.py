"""Red team (issue 19, round 2): what pbgdpl.plugins.PluginHost is told to search."""
import pytest

import pbgdpl
from pbgdpl.plugins import PluginHost


def test_a_plugin_dir_with_a_nul_is_refused_not_searched_cut_short(tmp_path):
    # "<dir>\0/elsewhere" was searched as <dir>: a caller allowing one directory loaded from another.
    real = tmp_path / "real"
    real.mkdir()
    (real / "x.plugin.json").write_text("{not json")
    with pytest.raises(pbgdpl.ValidationError) as info:
        PluginHost([str(real) + "\0/elsewhere"])
    assert info.value.code == "invalid_argument"
    with PluginHost([real]) as h:  # the directory itself is still searched
        assert [p.file for p in h.problems()] == [str(real / "x.plugin.json")]
