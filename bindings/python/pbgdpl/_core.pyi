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
class StoreHandle:
    """A store (SQLite, in-memory or a plugin's); pbgdpl.Store wraps it."""
    @property
    def closed(self) -> bool: ...
    @property
    def backend(self) -> str: ...
    def close(self) -> None: ...
    def create(self, kind: str, obj: Any, actor: str = "system", render_html: bool = True) -> Dict[str, Any]: ...
    def get(self, kind: str, id: str) -> Dict[str, Any]: ...
    def update(self, kind: str, obj: Any, actor: str = "system", render_html: bool = True) -> Dict[str, Any]: ...
    def archive(self, kind: str, id: str, expected_version: int, actor: str = "system") -> Dict[str, Any]: ...
    def remove(self, kind: str, id: str, expected_version: int = 0, actor: str = "system") -> None: ...
    def list(self, kind: str, filters: Optional[Dict[str, Any]] = None, limit: int = 20, cursor: str = "",
             oldest_first: bool = False) -> Tuple[List[Dict[str, Any]], str]: ...
    def search(self, q: str, kinds: Sequence[str] = ..., filters: Optional[Dict[str, Any]] = None, limit: int = 20,
               cursor: str = "", order: str = "relevance",
               include_unpublished: bool = False) -> Tuple[List[Dict[str, Any]], str, bool]: ...
    def transaction(self, fn: Callable[[], Any]) -> Any: ...
    def audit_log(self, kind: str = "", id: str = "", limit: int = 100) -> List[Dict[str, Any]]: ...
    def import_dataset(self, path: Any, actor: str = "import", render_html: bool = True) -> Dict[str, int]: ...
    def integrity_check(self) -> None: ...
    def backup(self, dest: Any) -> None: ...

def store_open_sqlite(path: Any, busy_timeout_ms: int = 5000, synchronous_full: bool = True, max_page_count: int = 0,
                      search_time_limit_ms: int = 500, exhaustive_search: bool = False) -> StoreHandle: ...
def store_open_memory() -> StoreHandle: ...
def store_kinds() -> List[str]: ...
def store_searchable_kinds() -> List[str]: ...
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
