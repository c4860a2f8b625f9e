// The "postgres" plugin: pg_store behind the plugin ABI. Configuration (JSON):
//   {"conninfo": "host=... dbname=... user=... password=...", "schema": "pbgdpl",
//    "max_scored_matches": 20000, "search_time_limit_ms": 2000, "exact_polling": true}
// The SDK turns the host's store requests into pg_store's record-level calls and forwards its
// change batches to the host.
#include "pg_store.hpp"

#include <pbgdpl/plugin/sdk.hpp>

namespace {

using namespace pbgdpl;

class pg_plugin final : public pbgdpl::plugin::plugin {
 public:
  // One connection per instance, used under pg_store's own mutex, so the host may call it from
  // several threads at once.
  static constexpr std::uint32_t plugin_flags = PBGDPL_PLUGIN_THREAD_SAFE;

  pg_plugin(pbgdpl::plugin::host h, const json& config) {
    auto opt = store::pg_options_from_json(config);
    if (!opt) throw exception(opt.err());
    auto s = store::open_pg_store(std::move(*opt));
    if (!s) throw exception(s.err());
    store_ = std::move(*s);
    h.log(PBGDPL_LOG_INFO, "postgres: schema \"" + store_->options().schema + "\" open (version " +
                               std::to_string(store_->schema_version()) + ")");
  }

  store::store* as_store() override { return store_.get(); }

 private:
  std::unique_ptr<store::pg_store> store_;
};

}  // namespace

PBGDPL_PLUGIN(pg_plugin, "postgres", "1.0.0", "MIT",
              "PostgreSQL store backend (libpq): several portal nodes on one database", PBGDPL_KIND_STORE)
