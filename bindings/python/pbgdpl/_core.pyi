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
class PortalServer:
    """The reference portal served on background threads (use pbgdpl.portal.Portal)."""
    def __init__(self, data_dir: Optional[Any] = None, store: Optional["StoreHandle"] = None,
                 seed: Optional[Any] = None, host: str = "127.0.0.1", port: int = 0, threads: int = 2,
                 default_unit: str = "", page_cache: bool = True, editor: bool = True,
                 webhooks: bool = True) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    @property
    def running(self) -> bool: ...
    @property
    def port(self) -> int: ...
    @property
    def url(self) -> str: ...
    @property
    def default_unit(self) -> str: ...
    @property
    def seeded(self) -> int: ...
    def store_handle(self) -> "StoreHandle": ...
    def issue_api_key(self, account: str, label: str, seconds: int) -> str: ...

# --- end portal ---

# --- plugins (src/plugins.cpp) -----------------------------------------------------------------

# --- end plugins ---
