#include <pbgdpl/signage/proof_of_play.hpp>

#include <doctest/doctest.h>

#include "manifest_support.hpp"

using namespace signage_test;
namespace sg = pbgdpl::signage;

namespace {
const std::string disp_a2 = "cau-thang-a2";
const std::string digest = trust::to_hex(trust::blake2b_256(std::string("PNG bytes")));

// A chain of n signed lines from seq `first` (whose prev is `prev`).
std::vector<std::string> chain(const trust::secret_key& key, std::size_t n, std::uint64_t first = 1, std::string prev = "",
                               const std::string& disp = disp_a2) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    sg::play p;
    p.display = disp;
    p.media = "infographic-" + std::to_string(i % 7);
    p.blake2b = digest;
    p.start = t0 + std::chrono::seconds(10 * (first + i));
    p.end = p.start + 10s;
    p.seq = first + i;
    p.prev = prev;
    out.push_back(sg::play_line(key, p));
    prev = sg::line_hash(out.back());
  }
  return out;
}

std::vector<std::string> slice(const std::vector<std::string>& v, std::size_t from, std::size_t to) {
  return {v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to)};
}

errc code_of(const result<std::vector<sg::play>>& r) { return r ? errc::ok : r.err().code; }

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}
}  // namespace

TEST_CASE("a play line is canonical JSON signed by the device and chained by its hash") {
  auto key = trust::secret_key::generate();
  auto lines = chain(key, 2);
  auto p1 = sg::parse_play_line(lines[0]);
  auto p2 = sg::parse_play_line(lines[1]);
  REQUIRE(p1);
  REQUIRE(p2);
  CHECK(p1->seq == 1);
  CHECK(p1->prev.empty());
  CHECK(p2->prev == sg::line_hash(lines[0]));
  CHECK(lines[0].find("\"sig\":\"") != std::string::npos);
  CHECK(lines[0].find('\n') == std::string::npos);
  // Not canonical (a space), an unknown field, a key twice: refused.
  auto spaced = lines[0];
  spaced.insert(1, " ");
  CHECK(sg::parse_play_line(spaced).err().code == errc::parse_error);
  auto extra = lines[0];
  extra.insert(1, "\"extra\":1,");
  CHECK(sg::parse_play_line(extra).err().code == errc::parse_error);
  auto twice = lines[0];
  twice.insert(1, "\"seq\":1,");
  CHECK(sg::parse_play_line(twice).err().code == errc::parse_error);
  CHECK(sg::parse_play_line(std::string(5000, ' ')).err().code == errc::too_large);
}

TEST_CASE("the play log appends, lists what is pending and keeps the acknowledgement across a reopen") {
  auto key = trust::secret_key::generate();
  auto dir = scratch("play_log_reopen");
  auto file = dir / "plays.log";
  std::vector<std::string> sent;
  {
    auto log = sg::play_log::open(file, disp_a2);
    REQUIRE(log);
    CHECK(log->pending(10).empty());
    for (int i = 0; i < 3; ++i) {
      auto p = log->append(key, "infographic-" + std::to_string(i), digest, t0 + std::chrono::seconds(10 * i),
                           t0 + std::chrono::seconds(10 * i + 10));
      REQUIRE(p);
      CHECK(p->seq == static_cast<std::uint64_t>(i + 1));
    }
    sent = log->pending(10);
    CHECK(sent.size() == 3);
    CHECK(log->pending(2).size() == 2);
    sg::chain_state st;
    auto v = sg::verify_batch(key.public_part(), disp_a2, sent, st);
    REQUIRE(v);
    CHECK(v->size() == 3);
    CHECK(st.seq == 3);
    REQUIRE(log->acknowledge(2));
    CHECK(log->pending(10) == slice(sent, 2, 3));
    CHECK(log->acknowledge(9).err().code == errc::out_of_range);
    // A second writer on the same log is refused while this one holds it.
    CHECK(sg::play_log::open(file, disp_a2).err().code == errc::busy);
  }
  auto log = sg::play_log::open(file, disp_a2);
  REQUIRE(log);
  CHECK(log->acknowledged() == 2);
  CHECK(log->last_seq() == 3);
  CHECK(log->pending(10) == slice(sent, 2, 3));
  auto p4 = log->append(key, "video-1", digest, t0 + 100s, t0 + 130s, "kiosk");
  REQUIRE(p4);
  CHECK(p4->seq == 4);
  CHECK(p4->prev == sg::line_hash(sent[2]));
  CHECK(p4->player == "kiosk");
  CHECK(read(file) == joined(sent) + log->pending(10).back() + "\n");
  // Another display's log under this file name is not ours.
  log = error(errc::internal);  // release the lock
  CHECK(sg::play_log::open(file, "cau-thang-b1").err().code == errc::corrupt);
  // Bad plays are refused before anything is written.
  auto again = sg::play_log::open(file, disp_a2);
  REQUIRE(again);
  CHECK(again->append(key, "video-1", "abc", t0, t0 + 1s).err().code == errc::invalid_argument);
  CHECK(again->append(key, "video-1", digest, t0 + 1s, t0).err().code == errc::bad_date);
  CHECK(again->append(key, "video-1", digest, t0, t0 + 1s, "tv").err().code == errc::out_of_range);
  CHECK(again->last_seq() == 4);
}

TEST_CASE("a torn last line from a crash is dropped and the log truncated to its last whole line") {
  auto key = trust::secret_key::generate();
  auto dir = scratch("play_log_torn");
  auto file = dir / "plays.log";
  auto lines = chain(key, 3);
  for (std::string torn : {lines[2].substr(0, 40), std::string("\0\0\0\0", 4), lines[2].substr(0, 40) + "\n"}) {
    write(file, joined(slice(lines, 0, 2)) + torn);
    auto log = sg::play_log::open(file, disp_a2);
    REQUIRE(log);
    CHECK(log->last_seq() == 2);
    CHECK(read(file) == joined(slice(lines, 0, 2)));
    // The chain continues from the last whole line.
    auto p = log->append(key, "infographic-2", digest, t0 + 30s, t0 + 40s);
    REQUIRE(p);
    sg::chain_state st;
    CHECK(code_of(sg::verify_batch(key.public_part(), disp_a2, log->pending(10), st)) == errc::ok);
    CHECK(st.seq == 3);
  }
  // A bad line with whole lines after it is not a torn write: the log is corrupt.
  auto broken = lines;
  broken[1] = broken[1].substr(0, 30);
  write(file, joined(broken));
  CHECK(sg::play_log::open(file, disp_a2).err().code == errc::corrupt);
  // So is a chain with a line missing.
  write(file, lines[0] + "\n" + lines[2] + "\n" + chain(key, 4)[3] + "\n");
  CHECK(sg::play_log::open(file, disp_a2).err().code == errc::corrupt);
}

TEST_CASE("acknowledged lines are dropped from a long log and the chain continues") {
  auto key = trust::secret_key::generate();
  auto dir = scratch("play_log_compact");
  auto file = dir / "plays.log";
  auto lines = chain(key, 7000);
  write(file, joined(lines));
  const auto before = std::filesystem::file_size(file);
  REQUIRE(before > (2u << 20));
  {
    auto log = sg::play_log::open(file, disp_a2);
    REQUIRE(log);
    CHECK(log->pending(8000).size() == 7000);
    REQUIRE(log->acknowledge(6990));
    CHECK(std::filesystem::file_size(file) == joined(slice(lines, 6989, 7000)).size());  // the head line stays
    CHECK(log->pending(100) == slice(lines, 6990, 7000));
    auto p = log->append(key, "infographic-1", digest, t0 + 80000s, t0 + 80010s);
    REQUIRE(p);
    CHECK(p->seq == 7001);
    CHECK(p->prev == sg::line_hash(lines.back()));
  }
  auto log = sg::play_log::open(file, disp_a2);
  REQUIRE(log);
  CHECK(log->acknowledged() == 6990);
  CHECK(log->pending(100).size() == 11);
  sg::chain_state st{6990, sg::line_hash(lines[6989])};
  auto v = sg::verify_batch(key.public_part(), disp_a2, log->pending(100), st);
  REQUIRE(v);
  CHECK(v->size() == 11);
  CHECK(st.seq == 7001);
}

TEST_CASE("verify_batch accepts a batch continuing the chain and skips an exact replay") {
  auto key = trust::secret_key::generate();
  auto pk = key.public_part();
  auto lines = chain(key, 6);
  sg::chain_state st;
  auto a = sg::verify_batch(pk, disp_a2, slice(lines, 0, 3), st);
  REQUIRE(a);
  CHECK(a->size() == 3);
  CHECK(st == sg::chain_state{3, sg::line_hash(lines[2])});
  // The same batch again (the answer was lost): nothing new, nothing refused.
  auto again = sg::verify_batch(pk, disp_a2, slice(lines, 0, 3), st);
  REQUIRE(again);
  CHECK(again->empty());
  CHECK(st.seq == 3);
  // Overlapping the head: the old lines are skipped, the new ones accepted.
  auto b = sg::verify_batch(pk, disp_a2, slice(lines, 1, 6), st);
  REQUIRE(b);
  REQUIRE(b->size() == 3);
  CHECK((*b)[0].seq == 4);
  CHECK((*b)[2].seq == 6);
  CHECK(st == sg::chain_state{6, sg::line_hash(lines[5])});
  CHECK(code_of(sg::verify_batch(pk, disp_a2, {}, st)) == errc::ok);
}

TEST_CASE("verify_batch refuses a gap, a fork, a forged signature, another display and a reordered batch") {
  auto key = trust::secret_key::generate();
  auto pk = key.public_part();
  auto lines = chain(key, 6);
  sg::chain_state st;
  REQUIRE(sg::verify_batch(pk, disp_a2, slice(lines, 0, 3), st));
  const auto head = st;
  std::string message;
  auto refused = [&](const std::vector<std::string>& batch, errc code) {
    auto r = sg::verify_batch(pk, disp_a2, batch, st);
    CHECK(code_of(r) == code);
    CHECK(st == head);  // a refused batch changes nothing
    message = r ? "" : r.err().message_en;
  };
  // A gap: seq 5 when 4 is expected.
  refused(slice(lines, 4, 6), errc::conflict);
  CHECK(message.find("expects seq 4") != std::string::npos);
  // A fork: another line 3, and a line 4 pointing at it.
  sg::play alt;
  alt.display = disp_a2;
  alt.media = "video-khac";
  alt.blake2b = digest;
  alt.start = t0 + 20s;
  alt.end = t0 + 30s;
  alt.seq = 3;
  alt.prev = sg::line_hash(lines[1]);
  auto alt3 = sg::play_line(key, alt);
  refused({alt3}, errc::conflict);
  alt.seq = 4;
  alt.prev = sg::line_hash(alt3);
  refused({alt3, sg::play_line(key, alt)}, errc::conflict);
  refused({sg::play_line(key, alt)}, errc::conflict);  // line 4 not pointing at the accepted line 3
  // Inside the batch, a line that does not point at the one before it.
  alt.seq = 5;
  alt.prev = sg::line_hash(lines[2]);
  refused({lines[3], sg::play_line(key, alt)}, errc::conflict);
  // Forged: signed by another key, or a field changed under the device's signature.
  auto stranger = trust::secret_key::generate();
  refused(chain(stranger, 6), errc::bad_signature);
  auto changed = lines[3];
  changed.replace(changed.find("infographic-3"), 13, "infographic-9");
  refused({changed}, errc::bad_signature);
  // Another display's lines, under this display's upload.
  refused(chain(key, 4, 1, "", "cau-thang-b1"), errc::invalid_argument);
  // Reordered.
  refused({lines[4], lines[3]}, errc::conflict);
  refused({lines[3], lines[5], lines[4]}, errc::conflict);
  // Too many lines, a line too long, not canonical.
  refused(std::vector<std::string>(1001, lines[3]), errc::too_large);
  refused({lines[3] + std::string(5000, ' ')}, errc::too_large);
  refused({" " + lines[3]}, errc::parse_error);
  // Control: the honest continuation is still accepted after all that.
  CHECK(code_of(sg::verify_batch(pk, disp_a2, slice(lines, 3, 6), st)) == errc::ok);
  CHECK(st.seq == 6);
}

TEST_CASE("no changed byte of a play line is accepted, and none crashes the verifier") {
  auto key = trust::secret_key::generate();
  auto lines = chain(key, 1);
  const auto& good = lines[0];
  unsigned x = 12345;
  auto next = [&] { return x ^= x << 13, x ^= x >> 17, x ^= x << 5; };
  for (int i = 0; i < 3000; ++i) {
    auto bad = good;
    switch (next() % 4) {
      case 0: bad[next() % bad.size()] = static_cast<char>(next() & 0xFF); break;
      case 1: bad.erase(next() % bad.size(), 1 + next() % 8); break;
      case 2: bad.insert(next() % bad.size(), 1, static_cast<char>(next() & 0xFF)); break;
      default: bad = bad.substr(0, next() % bad.size()); break;
    }
    if (bad == good) continue;
    sg::chain_state st;
    CAPTURE(bad);
    CHECK_FALSE(sg::verify_batch(key.public_part(), disp_a2, {bad}, st));
    CHECK(st.seq == 0);
  }
  sg::chain_state st;
  CHECK(sg::verify_batch(key.public_part(), disp_a2, {good}, st));
}
