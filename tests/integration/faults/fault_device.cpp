// A signage device without a screen, for the crash tests (issue 21): the library's own player core
// (signage/player.hpp) enrolling, syncing (manifest, content by digest in Range chunks into its
// content-addressed cache) and uploading proof of play, so a test can SIGKILL the portal or this
// process mid-way and check what the real client code leaves behind.
//   pbgdpl_fault_device STATE SERVER enrol
//   pbgdpl_fault_device STATE SERVER sync CHUNK_BYTES      (one sync; prints its outcome and the cache)
//   pbgdpl_fault_device STATE SERVER plays ROUNDS          (records plays and uploads them, a few at a
//                                                           time; prints "acked N" after each upload)
// Output: one JSON object per line, flushed at once (the test reads it while killing).
#include <pbgdpl/signage/player.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

using namespace pbgdpl;

namespace {
void say(const json& j) {
  std::cout << j.dump() << "\n" << std::flush;
}

json cache_listing(const signage::player& p) {
  json out = json::array();
  for (const auto& e : p.cache().entries()) out.push_back({{"name", e.name}, {"size", e.size}, {"partial", e.partial}});
  return out;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: pbgdpl_fault_device STATE SERVER enrol|sync CHUNK|plays ROUNDS\n");
    return 2;
  }
  const std::string cmd = argv[3];
  signage::player_config cfg;
  cfg.state_dir = argv[1];
  cfg.server = argv[2];
  cfg.name = "Thiết bị thử sự cố";
  cfg.fetch.allow_private_addresses = true;
  cfg.fetch.timeout = std::chrono::milliseconds(5000);
  if (cmd == "sync" && argc > 4) cfg.chunk_bytes = std::strtoull(argv[4], nullptr, 10);
  try {
    signage::player p(cfg);
    if (cmd == "enrol") {
      auto e = p.enrol();
      if (!e) {
        say({{"error", e.err().message_en}});
        return 1;
      }
      say({{"state", e->state}, {"code", e->code}, {"display", e->display}});
      return 0;
    }
    if (cmd == "sync") {
      auto s = p.sync(now());
      if (!s) {
        say({{"error", s.err().message_en}});
        return 1;
      }
      const char* names[] = {"unchanged", "updated", "refused", "offline"};
      say({{"result", names[static_cast<int>(s->result)]},
           {"why", s->why ? s->why->message_en : std::string()},
           {"sequence", s->sequence},
           {"cache", cache_listing(p)}});
      return 0;
    }
    if (cmd == "plays") {
      const long rounds = argc > 4 ? std::strtol(argv[4], nullptr, 10) : 100;
      // Upload what an earlier run left unacknowledged first.
      auto first = p.upload_plays();
      if (!first) {
        say({{"offline", first.err().message_en}});
        return 1;
      }
      say({{"acked", *first}});
      for (long i = 0; i < rounds; ++i) {
        auto plan = p.plan(now());
        if (!plan || plan->items.empty()) {
          say({{"error", "nothing plays now"}});
          return 1;
        }
        const auto t = now();
        for (int k = 0; k < 3; ++k)
          if (auto r = p.record_play(plan->items.front(), t - std::chrono::seconds(10), t); !r) {
            say({{"error", r.err().message_en}});
            return 1;
          }
        auto up = p.upload_plays();
        if (!up) {
          say({{"offline", up.err().message_en}});
          return 1;
        }
        say({{"acked", *up}});
      }
      return 0;
    }
  } catch (const std::exception& e) {
    say({{"error", e.what()}});
    return 1;
  }
  std::fprintf(stderr, "unknown command %s\n", cmd.c_str());
  return 2;
}
