"""Type stubs of pbgdpl._core, the compiled half of the package. Each area keeps its own section
(same order as src/module.cpp); tests/test_stubs.py checks that the stubs and the module name
the same functions and classes."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

__version__: str

# --- errors (src/errors.cpp) -------------------------------------------------------------------
def _raise_for_test(code: str, path: str = "") -> None: ...

# --- text (src/text.cpp) -----------------------------------------------------------------------

# --- end text ---

# --- model (src/model.cpp) ---------------------------------------------------------------------

# --- end model ---

# --- store (src/store.cpp) ---------------------------------------------------------------------

# --- end store ---

# --- trust (src/trust.cpp) ---------------------------------------------------------------------

# --- end trust ---

# --- reports (src/reports.cpp) -----------------------------------------------------------------

# --- end reports ---

# --- signage (src/signage.cpp) -----------------------------------------------------------------

# --- end signage ---

# --- portal (src/portal.cpp) -------------------------------------------------------------------

# --- end portal ---

# --- plugins (src/plugins.cpp) -----------------------------------------------------------------

# --- end plugins ---
