// The in-memory store: the reference behaviour of the store interface, for tests and for
// embedding where nothing must persist. Transactions roll back by snapshot.
// Thread safety: one memory_store may be shared by any number of threads: every call takes its
// one (recursive) mutex, so calls run one at a time; a transaction holds it until its function
// returns (copying the whole state first), so other threads wait for it.
#pragma once
#include "store.hpp"

#include <map>
#include <memory>
#include <mutex>

PBGDPL_NAMESPACE_BEGIN
namespace store {

class memory_store final : public store {
 public:
  result<void> write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) override;
  result<record> read(std::string_view kind, std::string_view id) override;
  result<page<record>> list_records(std::string_view kind, const list_query& q) override;
  result<search_page> search(const search_request& req) override;
  result<std::vector<audit_entry>> audit_log(std::string_view kind = {}, std::string_view id = {},
                                             std::size_t limit = 100) override;
  result<void> transaction(const std::function<result<void>()>& fn) override;
  // Every write and transaction goes through this object, so its own count is the whole story.
  std::optional<std::uint64_t> change_stamp() override;
  // The same holds for changes: listeners (store::subscribe) hear of every write when it commits,
  // and poll_changes() has nothing to read.

 private:
  // The filter's unit and, when asked, every unit below it (walking unit records' parents).
  std::vector<std::string> expand_units(const filter& f) const;
  // search() ordered by search_order::newest, with mu_ held.
  result<search_page> search_newest(const search_request& req, const parsed_query& q, const std::vector<std::string>& kinds,
                                    const std::vector<std::string>& units, std::size_t offset);
  // write() with mu_ held: the change it made, when it made one.
  result<void> write_locked(write_op op, const record& r, std::uint64_t expected, std::string_view actor,
                            change& done);

  struct state {
    std::map<std::pair<std::string, std::string>, record> records;
    std::vector<audit_entry> audit;
    std::uint64_t audit_seq = 0;
  };
  std::recursive_mutex mu_;
  state data_;
  std::uint64_t stamp_ = 0;  // +1 after each write call and each transaction (guarded by mu_)
  // Guarded by mu_: transactions open (nested ones counted) and the changes they made so far,
  // told to the listeners when the outermost one commits.
  int depth_ = 0;
  std::vector<change> pending_;
};

std::unique_ptr<store> make_memory_store();

}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/memory.ipp"
#endif
